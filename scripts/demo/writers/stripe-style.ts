// A writer that issues brandur/rocket-rides-atomic's own statements (api.rb: the atomic phases of
// POST /rides, reaper.rb: the DELETE), so the stripe-style preset is exercised by the library's
// real write pattern: INSERT on claim, UPDATE per recovery point, UPDATE with the response on
// completion, UPDATE locked_at = NULL on error, nothing at all for a replay, a 409 or a mismatch.
import type { Pool, PoolClient } from "pg";

/** IDEMPOTENCY_KEY_LOCK_TIMEOUT and IDEMPOTENCY_KEY_REAP_TIMEOUT of api.rb. */
export const LOCK_TIMEOUT_SECONDS = 90;
export const REAP_TIMEOUT_SECONDS = 72 * 3600;

export type RideRequest = {
  userId: number;
  key: string;
  params: Record<string, unknown>;
  /** stop after this recovery point without unlocking (a crashed worker: the key stays locked) */
  crashAfter?: "started" | "ride_created";
  /** raise inside the charge phase (api.rb's raise_error): the key is unlocked, not finished */
  raiseError?: boolean;
  /** the charge id the "payment provider" returns */
  chargeId?: string;
};

export type RideOutcome = "completed" | "replayed" | "conflict" | "mismatch" | "error" | "crashed";
export type RideResponse = { status: number; outcome: RideOutcome; resumed: boolean };

type KeyRow = {
  id: string;
  locked_at: Date | null;
  recovery_point: string;
  request_params: Record<string, unknown>;
  response_code: number | null;
};

class Halt extends Error {
  constructor(readonly response: RideResponse) {
    super(`halt ${response.status}`);
  }
}

/** atomic_phase: one SERIALIZABLE transaction; a serialization failure is a 409 to retry. */
async function atomicPhase<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query("BEGIN ISOLATION LEVEL SERIALIZABLE");
    const result = await fn(c);
    await c.query("COMMIT");
    return result;
  } catch (err) {
    await c.query("ROLLBACK").catch(() => undefined);
    if ((err as { code?: string }).code === "40001" || (err as { code?: string }).code === "23505")
      throw new Halt({ status: 409, outcome: "conflict", resumed: false });
    throw err;
  } finally {
    c.release();
  }
}

export const sameParams = (a: unknown, b: unknown) =>
  JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, sortKeys(x)]),
    );
  return v;
}

/** POST /rides of api.rb against `table` (a quoted, schema-qualified idempotency_keys). */
export async function postRide(pool: Pool, table: string, req: RideRequest): Promise<RideResponse> {
  let key: KeyRow | undefined;
  let resumed = false;
  try {
    key = await atomicPhase(pool, async (c) => {
      const found = await c.query<KeyRow>(
        `SELECT id, locked_at, recovery_point, request_params, response_code FROM ${table}
          WHERE user_id = $1 AND idempotency_key = $2`,
        [req.userId, req.key],
      );
      const existing = found.rows[0];
      if (existing) {
        if (!sameParams(existing.request_params, req.params))
          throw new Halt({ status: 409, outcome: "mismatch", resumed: false });
        if (
          existing.locked_at &&
          existing.locked_at.getTime() > Date.now() - LOCK_TIMEOUT_SECONDS * 1000
        )
          throw new Halt({ status: 409, outcome: "conflict", resumed: false });
        if (existing.recovery_point !== "finished") {
          resumed = true;
          await c.query(
            `UPDATE ${table} SET last_run_at = now(), locked_at = now() WHERE id = $1`,
            [existing.id],
          );
        }
        return existing;
      }
      const created = await c.query<KeyRow>(
        `INSERT INTO ${table} (idempotency_key, locked_at, recovery_point, request_method, request_params, request_path, user_id)
         VALUES ($1, now(), 'started', 'POST', $2, '/rides', $3)
         RETURNING id, locked_at, recovery_point, request_params, response_code`,
        [req.key, JSON.stringify(req.params), req.userId],
      );
      return created.rows[0]!;
    });
  } catch (err) {
    if (err instanceof Halt) return err.response;
    throw err;
  }
  if (key.recovery_point === "finished")
    return { status: key.response_code ?? 200, outcome: "replayed", resumed: false };

  const setPoint = (point: string) =>
    atomicPhase(pool, (c) =>
      c.query(`UPDATE ${table} SET recovery_point = $2 WHERE id = $1`, [key!.id, point]),
    );
  try {
    let point = key.recovery_point;
    if (point === "started") {
      if (req.crashAfter === "started") return { status: 0, outcome: "crashed", resumed };
      await setPoint("ride_created");
      point = "ride_created";
    }
    if (point === "ride_created") {
      if (req.crashAfter === "ride_created") return { status: 0, outcome: "crashed", resumed };
      if (req.raiseError) throw new Error("Simulated failed with `raise_error` param.");
      await setPoint("charge_created");
      point = "charge_created";
    }
    if (point === "charge_created")
      await finishKey(pool, table, key.id, req.chargeId ?? `ch_${key.id}`);
    return { status: 201, outcome: "completed", resumed };
  } catch (err) {
    // atomic_phase's ensure: unlock so that another request can try again
    await pool
      .query(`UPDATE ${table} SET locked_at = NULL WHERE id = $1`, [key.id])
      .catch(() => undefined);
    if (err instanceof Halt) return err.response;
    return { status: 500, outcome: "error", resumed };
  }
}

/** api.rb's Response#call in the last atomic phase: the key finished with the stored response. */
export async function finishKey(
  pool: Pool,
  table: string,
  id: string,
  chargeId: string,
): Promise<void> {
  await atomicPhase(pool, (c) =>
    c.query(
      `UPDATE ${table} SET locked_at = NULL, recovery_point = 'finished', response_code = 201, response_body = $2
        WHERE id = $1`,
      [id, JSON.stringify({ message: "Payment accepted", charge: chargeId })],
    ),
  );
}

/** reaper.rb: delete keys older than the reap timeout, a batch at a time. */
export async function reap(
  pool: Pool,
  table: string,
  olderThanSeconds = REAP_TIMEOUT_SECONDS,
): Promise<number> {
  const r = await pool.query(
    `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE created_at < now() - make_interval(secs => $1) LIMIT 1000)`,
    [olderThanSeconds],
  );
  return r.rowCount ?? 0;
}
