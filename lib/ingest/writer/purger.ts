// The TTL purger of the reference implementation: deletes keys past expires_at in bounded
// batches, each with its "expired" event, in one statement.
import type { Pool } from "pg";
import type { TableNames } from "../../contract/tables";

export async function purgeExpiredKeys(
  pool: Pool,
  t: TableNames,
  batchSize = 5_000,
): Promise<number> {
  // SKIP LOCKED: a key a writer is touching right now is left for the next round.
  const result = await pool.query<{ purged: number }>(
    `WITH gone AS (
       DELETE FROM ${t.keys} WHERE id IN (
         SELECT id FROM ${t.keys} WHERE expires_at < now()
          ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, scope, endpoint, key, request_hash),
     logged AS (
       INSERT INTO ${t.events} (key_id, scope, endpoint, key, kind, request_hash, instance)
       SELECT id, scope, endpoint, key, 'expired', request_hash, 'purger' FROM gone
       RETURNING 1)
     SELECT count(*)::int AS purged FROM logged`,
    [batchSize],
  );
  return result.rows[0]?.purged ?? 0;
}

/** Runs the purger every `intervalMs` until stopped. */
export function startPurger(pool: Pool, t: TableNames, intervalMs = 30_000): { stop: () => void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    purgeExpiredKeys(pool, t)
      .catch(() => undefined) // a failed round is retried on the next tick
      .finally(() => (running = false));
  }, intervalMs);
  return { stop: () => clearInterval(timer) };
}
