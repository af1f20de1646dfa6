// A writer that issues @node-idempotency's own statements: Idempotency.onRequest/onResponse of
// packages/core/src/idempotency.ts over the PostgresStorageAdapter of
// packages/storage-adapter-postgres/src/adapter-postgres.ts (setIfNotExists, get, set, the purge
// function), so the node-idempotency preset is exercised by the library's real write pattern.
import { createHash } from "node:crypto";
import type { Pool } from "pg";

/** IDEMPOTENCY_CACHE_TTL_MS of packages/core/src/constants.ts. */
export const DEFAULT_TTL_MS = 24 * 3600 * 1000;

export type NodeIdemRequest = {
  method: string;
  path: string;
  key: string;
  body: Record<string, unknown>;
  /** the handler's answer; `crash` leaves the key IN_PROGRESS (onResponse never runs) */
  answer: { statusCode: number; body: unknown } | { error: unknown; statusCode: number } | "crash";
  ttlMs?: number;
};

export type NodeIdemOutcome =
  "completed" | "failed" | "replayed" | "conflict" | "mismatch" | "crashed";

const fingerPrint = (body: Record<string, unknown>) =>
  createHash("blake2s256")
    .update(Buffer.from(JSON.stringify(body)))
    .digest("hex");

/** One request through the library against `table` (quoted, schema-qualified). */
export async function nodeIdempotentRequest(
  pool: Pool,
  table: string,
  req: NodeIdemRequest,
): Promise<NodeIdemOutcome> {
  const ttl = req.ttlMs ?? DEFAULT_TTL_MS;
  const cacheKey = `node-idempotency:${req.method}:${req.path}:${req.key}`;
  const fp = fingerPrint(req.body);
  // adapter.setIfNotExists
  const claimed = await pool.query(
    `INSERT INTO ${table} (key, data, expires_at)
        VALUES ($1, $2, NOW() + $3 * INTERVAL '1 millisecond')
        ON CONFLICT (key)
        DO UPDATE SET
          data = EXCLUDED.data,
          expires_at = EXCLUDED.expires_at
        WHERE ${table}.expires_at < NOW()
        RETURNING key, expires_at;`,
    [cacheKey, JSON.stringify({ status: "IN_PROGRESS", fingerPrint: fp }), ttl],
  );
  if (!claimed.rowCount) {
    // adapter.get
    const cached = await pool.query<{ data: string }>(
      `SELECT data FROM ${table}
        WHERE key = $1 AND expires_at > NOW()`,
      [cacheKey],
    );
    const data = cached.rows[0]?.data;
    if (data) {
      const stored = JSON.parse(data) as { status: string; fingerPrint?: string };
      if (stored.status === "IN_PROGRESS") return "conflict";
      return stored.fingerPrint === fp ? "replayed" : "mismatch";
    }
  }
  if (req.answer === "crash") return "crashed";
  const response =
    "error" in req.answer
      ? { error: req.answer.error, additional: { statusCode: req.answer.statusCode } }
      : { body: req.answer.body, additional: { statusCode: req.answer.statusCode } };
  // adapter.set from onResponse
  await pool.query(
    `INSERT INTO ${table} (key, data, expires_at)
       VALUES ($1, $2, NOW() + $3 * INTERVAL '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET
        data = EXCLUDED.data,
        expires_at = EXCLUDED.expires_at`,
    [cacheKey, JSON.stringify({ status: "COMPLETE", fingerPrint: fp, response }), ttl],
  );
  return "error" in req.answer ? "failed" : "completed";
}

/** The adapter's clearExpiredEntries: the purge function its DDL creates. */
export async function purgeExpired(pool: Pool, schema: string): Promise<void> {
  await pool.query(`SELECT ${schema}."remove_expired_idempotency_entries"()`);
}
