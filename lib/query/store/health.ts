// Readiness: does the database answer, and how fast.
import "server-only";
import type { Queryable } from "../../contract/context";

export async function pingDatabase(
  db: Queryable,
): Promise<{ up: boolean; latencyMs: number; error?: string }> {
  const start = performance.now();
  try {
    await db.query("SELECT 1");
    return { up: true, latencyMs: performance.now() - start };
  } catch (err) {
    return { up: false, latencyMs: performance.now() - start, error: (err as Error).message };
  }
}
