// Logical capture's heartbeats (docs/capture.md, "Logical decoding"): every second a WAL message
// whose arrival tells the decoder it has caught up, signed so that no other login can forge one,
// and a sample of the slot's retained WAL for the pages and /api/metrics.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Pool } from "pg";
import { log } from "../../core/log";
import type { OwnNames } from "./derived-sql";

/** Prefix of the consumer's heartbeat: a WAL message whose arrival says how far behind it is. */
export const HEARTBEAT_MESSAGE = "idemscope.heartbeat";

/**
 * A heartbeat's content: its time and an HMAC of it with the key in idemscope's secrets. Any login
 * can write a WAL message with this prefix; only a holder of the key can write one that counts.
 */
export function signHeartbeat(key: string, at: string): string {
  return `${at}|${createHmac("sha256", key).update(at).digest("hex")}`;
}

/** The time a heartbeat vouches for, or null when it is not one of ours (forged, malformed). */
export function verifyHeartbeat(key: string, content: string): string | null {
  const bar = content.lastIndexOf("|");
  if (bar <= 0) return null;
  const at = content.slice(0, bar);
  const given = Buffer.from(content.slice(bar + 1), "hex");
  const expected = createHmac("sha256", key).update(at).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return Number.isFinite(Date.parse(at)) ? at : null;
}

/** The key heartbeats are signed with (lib/contract/schema/store-safety.ts). */
export async function readHeartbeatKey(pool: Pool, secrets: string): Promise<string> {
  const r = await pool.query<{ value: string }>(
    `SELECT value FROM ${secrets} WHERE name = 'heartbeat_key'`,
  );
  if (!r.rows[0]) throw new Error("logical capture: no heartbeat key (run the migrations)");
  return r.rows[0].value;
}

/**
 * Every second a heartbeat message goes into the WAL (no table, a few dozen bytes); its arrival
 * measures the lag and lets the slot advance while the table is idle. Every few seconds the slot's
 * retained WAL is sampled on the primary for the pages and /api/metrics (a replica cannot see it).
 */
export function startHeartbeats(pool: Pool, everyMs: number, own: OwnNames, slot: string) {
  const state = own.ownTable("logical_state");
  let n = 0;
  let warned = false;
  let key: Promise<string> | null = null;
  const timer = setInterval(() => {
    n += 1;
    key ??= readHeartbeatKey(pool, own.ownTable("secrets"));
    void key
      .then(async (k) => {
        // the store's clock, as the lag is measured against it
        const now = await pool.query<{ at: string }>(`SELECT clock_timestamp()::text AS at`);
        await pool.query(`SELECT pg_logical_emit_message(false, $1, $2)`, [
          HEARTBEAT_MESSAGE,
          signHeartbeat(k, now.rows[0]!.at),
        ]);
      })
      .catch((err: Error) => {
        key = null;
        if (!warned)
          log.warn(
            { err: err.message },
            "logical capture: heartbeat not written; lag is estimated from commits",
          );
        warned = true;
      });
    if (n % 5 === 1)
      void pool
        .query(
          `UPDATE ${state} s
              SET retained_wal_bytes = pg_wal_lsn_diff(pg_current_wal_lsn(), r.restart_lsn)::bigint,
                  safe_wal_bytes = r.safe_wal_size, wal_status = r.wal_status, slot_sampled_at = now()
             FROM pg_replication_slots r
            WHERE s.id = 1 AND r.slot_name = $1`,
          [slot],
        )
        .catch(() => undefined);
  }, everyMs);
  timer.unref?.();
  return { stop: () => clearInterval(timer) };
}
