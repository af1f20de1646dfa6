// Logical capture's health (docs/store-contract.md, "Capture modes"; runbooks): how far behind the
// store the decoder is, and how much WAL its slot keeps on the store's disk. The slot is read live
// where this connection can see it (the primary); a replica's reads fall back to what the
// consumer last sampled on the primary, marked with the sample's time.
import type { Pool, PoolClient } from "pg";
import type { SlotStatus } from "../../client/api-types/source";
import type { StoreContext } from "../../contract/context";

type Row = {
  slot: string;
  lag: number | null;
  applied_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
  live: boolean;
  replica: boolean;
  active: boolean | null;
  retained: string | null;
  safe: string | null;
  wal_status: string | null;
  sampled_at: Date | null;
  rejected: string;
  starts: string;
};

/** The slot's status, or null when the source is not captured by logical decoding. */
export async function readSlotStatus(
  ctx: StoreContext<Pool | PoolClient>,
): Promise<SlotStatus | null> {
  const source = ctx.tables.source;
  if (!source.capture.streamsWal || !source.logical) return null;
  const r = await ctx.db.query<Row>(
    `SELECT s.slot_name AS slot,
            extract(epoch FROM clock_timestamp() - coalesce(s.caught_up_to, s.applied_commit_at))::float8 AS lag,
            s.applied_commit_at AS applied_at, s.last_error, s.last_error_at,
            r.slot_name IS NOT NULL AS live, pg_is_in_recovery() AS replica, r.active,
            coalesce(pg_wal_lsn_diff(
              CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn() END, r.restart_lsn
            )::bigint, s.retained_wal_bytes)::text AS retained,
            coalesce(r.safe_wal_size, s.safe_wal_bytes)::text AS safe,
            coalesce(r.wal_status, s.wal_status) AS wal_status,
            CASE WHEN r.slot_name IS NULL THEN s.slot_sampled_at END AS sampled_at,
            s.heartbeats_rejected::text AS rejected, s.starts_total::text AS starts
       FROM ${ctx.tables.ownTable("logical_state")} s
       LEFT JOIN pg_replication_slots r ON r.slot_name = s.slot_name AND NOT pg_is_in_recovery()
      WHERE s.id = 1`,
  );
  const row = r.rows[0];
  if (!row) return null;
  const num = (v: string | null) => (v === null ? null : Number(v));
  return {
    slot: row.slot,
    lagSeconds: row.lag === null ? null : Math.max(0, row.lag),
    lastAppliedCommitAt: row.applied_at?.toISOString() ?? null,
    active: row.live ? row.active : null,
    retainedWalBytes: num(row.retained),
    safeWalBytes: num(row.safe),
    // on the primary a slot that is not listed was dropped behind idemscope's back
    walStatus: !row.live && !row.replica ? "missing" : row.wal_status,
    sampledAt: row.replica ? (row.sampled_at?.toISOString() ?? null) : null,
    lastError:
      row.last_error && row.last_error_at
        ? { message: row.last_error, at: row.last_error_at.toISOString() }
        : null,
    heartbeatsRejected: Number(row.rejected),
    decoderStarts: Number(row.starts),
  };
}
