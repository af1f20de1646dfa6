// How connect takes locks on a database it does not own (docs/reliability.md, "Store safety").
// Everything in idemscope's own schema comes first: it may wait for a dashboard's read, which
// costs the service nothing. The service's table is locked last, under a short lock_timeout (a
// lock request that waits makes every later statement on that table queue behind it), and nothing
// else is waited for while that lock is held. A timed-out attempt rolls back whole and is tried
// again after a pause, saying who holds the table.
import type { Pool, PoolClient } from "pg";
import { inTransaction } from "../../db/pool";

export type LockOptions = {
  /** how long one attempt may wait for the service's table (default 200 ms) */
  serviceLockTimeoutMs?: number;
  /** how long one attempt may wait for idemscope's own tables (dashboard reads; default 10 s) */
  ownLockTimeoutMs?: number;
  /** attempts before giving up (default 100: about a minute and a half of trying) */
  attempts?: number;
  /** told what an attempt waited for, before the next one */
  onWait?: (message: string) => void;
};

const LOCK_NOT_AVAILABLE = "55P03";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The phase of a transaction: what its lock waits are on. */
export type LockPhase = { phase: "own" | "service" };

/**
 * Runs `work` in a transaction, again while it times out on a lock. `work` switches to the
 * service's table with `enterServicePhase` (which shortens lock_timeout) after all its own work.
 */
export async function withLockRetries<T>(
  pool: Pool,
  serviceTable: string,
  ownSchema: string,
  options: LockOptions,
  work: (c: PoolClient, enterServicePhase: () => Promise<void>) => Promise<T>,
): Promise<T> {
  const attempts = options.attempts ?? 100;
  const serviceMs = options.serviceLockTimeoutMs ?? 200;
  for (let attempt = 1; ; attempt++) {
    const at: LockPhase = { phase: "own" };
    try {
      return await inTransaction(pool, async (c) => {
        await c.query(`SELECT set_config('lock_timeout', $1, true)`, [
          `${options.ownLockTimeoutMs ?? 10_000}ms`,
        ]);
        return work(c, async () => {
          at.phase = "service";
          await c.query(`SELECT set_config('lock_timeout', $1, true)`, [`${serviceMs}ms`]);
        });
      });
    } catch (err) {
      if ((err as { code?: string }).code !== LOCK_NOT_AVAILABLE || attempt >= attempts) throw err;
      const holders = await lockHolders(
        pool,
        at.phase === "service" ? serviceTable : null,
        ownSchema,
      );
      options.onWait?.(
        at.phase === "service"
          ? `waiting for ${serviceTable} (attempt ${attempt}, ${serviceMs} ms each): held by ${holders}`
          : `waiting for idemscope's own tables in ${ownSchema}, held by ${holders}; the service's table is not locked meanwhile`,
      );
      await sleep(Math.min(2_000, 100 * attempt));
    }
  }
}

/** Who holds locks on the table (or on idemscope's schema): pid, application, transaction age. */
async function lockHolders(pool: Pool, table: string | null, ownSchema: string): Promise<string> {
  const r = await pool.query<{ pid: number; app: string; mode: string; age: number | null }>(
    `SELECT DISTINCT a.pid, coalesce(nullif(a.application_name, ''), a.usename::text, '?') AS app,
            l.mode, extract(epoch FROM now() - a.xact_start)::float8 AS age
       FROM pg_locks l
       JOIN pg_stat_activity a ON a.pid = l.pid
       JOIN pg_class c ON c.oid = l.relation
      WHERE l.granted AND a.pid <> pg_backend_pid()
        AND (CASE WHEN $1::text IS NULL THEN c.relnamespace = to_regnamespace($2)::oid
                  ELSE c.oid = to_regclass($1) END)
      ORDER BY age DESC NULLS LAST LIMIT 5`,
    [table, ownSchema],
  );
  if (r.rows.length === 0) return "a transaction that has finished since";
  return r.rows
    .map(
      (h) =>
        `pid ${h.pid} (${h.app}, ${h.mode}, transaction open ${h.age === null ? "?" : `${Math.round(h.age)} s`})`,
    )
    .join(", ");
}

/** Statements that lock the service's table: run last, in the service phase. */
export function locksServiceTable(statement: string): boolean {
  return /^\s*(CREATE|DROP) (TRIGGER|PUBLICATION)\b|^\s*ALTER PUBLICATION\b/i.test(statement);
}
