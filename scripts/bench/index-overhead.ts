// What the dashboard's indexes cost the reference writer: its latency with and without them.
import type { Pool } from "pg";
import { contractStatements } from "../../lib/contract/schema/contract";
import { searchIndexStatements } from "../../lib/contract/schema/search";
import { tableNamesFor } from "../../lib/contract/tables";
import { requestFingerprint } from "../../lib/ingest/writer/fingerprint";
import { handleIdempotent } from "../../lib/ingest/writer/idempotent-handler";
import { timeRuns, type Timing } from "./timing";

/** Writer latency with and without the dashboard's secondary indexes, on fresh tables. */
export async function measureIndexOverhead(pool: Pool): Promise<{ with: Timing; without: Timing }> {
  const results: Record<string, Timing> = {};
  for (const variant of ["with", "without"] as const) {
    const schema = `bench_writer_${variant}`;
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
    const t = tableNamesFor({
      storeSchema: schema,
      keysTable: "keys",
      eventsTable: "events",
      idemscopeSchema: schema,
    });
    const names = { keys: "keys", events: "events" };
    for (const s of [...contractStatements(t, names), ...searchIndexStatements(t, names)]) {
      if (variant === "without" && s.startsWith("CREATE INDEX")) continue;
      await pool.query(s);
    }
    let n = 0;
    results[variant] = await timeRuns(
      3000,
      async () => {
        n += 1;
        const key = n % 5 === 0 ? `k-${n - 1}` : `k-${n}`; // one request in five is a retry
        const endpoint = "POST /v1/payments";
        await handleIdempotent(
          pool,
          t,
          {
            scope: `c-${n % 100}`,
            endpoint,
            key,
            requestHash: requestFingerprint("POST", endpoint, { key }),
            instance: "bench",
          },
          { lockTimeoutSeconds: 300, ttlSeconds: 86_400 },
          async () => ({ status: 201, body: { ok: true } }),
        );
      },
      50,
    );
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
  }
  return { with: results.with!, without: results.without! };
}
