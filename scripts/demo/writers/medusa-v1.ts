// A writer that issues Medusa v1's own statements (packages/medusa/src/services/idempotency-key.js
// through TypeORM's save): initializeRequest creates the key ('ikey_…' id, recovery_point
// 'started'), lock() stamps locked_at, each workStage saves the next recovery point, the last one
// 'finished' with the response; a retry of an existing key reads it and writes nothing.
// lock() is not atomic in the library (it reads the key outside its transaction, at READ
// COMMITTED), so two concurrent requests with one key can both pass it and both run the work;
// this writer keeps that race.
import { randomUUID } from "node:crypto";
import type { Pool } from "pg";

export type MedusaOutcome = "completed" | "replayed" | "conflict" | "crashed";

export async function medusaRequest(
  pool: Pool,
  table: string,
  req: { key: string; path: string; params: Record<string, unknown>; crash?: boolean },
): Promise<MedusaOutcome> {
  const found = await pool.query<{ id: string; recovery_point: string; locked_at: Date | null }>(
    `SELECT id, recovery_point, locked_at FROM ${table} WHERE idempotency_key = $1`,
    [req.key],
  );
  let key = found.rows[0];
  if (key?.recovery_point === "finished") return "replayed";
  // KEY_LOCKED_TIMEOUT: 1 s
  if (key?.locked_at && key.locked_at.getTime() > Date.now() - 1000) return "conflict";
  if (!key) {
    // initializeRequest runs SERIALIZABLE: of two racing creations one fails (a 409 for the client)
    const created = await pool
      .query<{ id: string; recovery_point: string; locked_at: Date | null }>(
        `INSERT INTO ${table} (id, idempotency_key, request_method, request_params, request_path)
         VALUES ($1, $2, 'POST', $3, $4) RETURNING id, recovery_point, locked_at`,
        [`ikey_${randomUUID().replaceAll("-", "")}`, req.key, JSON.stringify(req.params), req.path],
      )
      .catch((err: { code?: string }) => {
        if (err.code === "23505") return null;
        throw err;
      });
    if (!created) return "conflict";
    key = created.rows[0]!;
  }
  await pool.query(`UPDATE ${table} SET locked_at = now() WHERE id = $1`, [key.id]); // lock()
  if (key.recovery_point === "started")
    await pool.query(`UPDATE ${table} SET recovery_point = 'payment_authorized' WHERE id = $1`, [
      key.id,
    ]);
  if (req.crash) return "crashed";
  await pool.query(
    `UPDATE ${table} SET recovery_point = 'finished', response_code = 200, response_body = $2 WHERE id = $1`,
    // every execution places its own order: a second run of the same key answers with another id
    [key.id, JSON.stringify({ order: { id: `order_${randomUUID().replaceAll("-", "")}` } })],
  );
  return "completed";
}
