// Whether the store's own table is being written (docs/operations.md, "What the collector does to
// the store"): its rows inserted, updated and deleted, from the statistics PostgreSQL keeps per
// table (partitions summed), between two looks. While it is, the history fold goes no faster than
// IDEMSCOPE_COLLECTOR_BUSY_MAX_EVENTS_PER_SECOND: a commit waits until the WAL before it is on
// disk, the fold's included, and at full speed that took the reference writer's p95 from 4 to 13
// ms whatever the fold's CPU priority (docs/performance.md).
import type { Pool } from "pg";
import type { TableNames } from "../contract/tables";

/** How long the store counts as written after the last write seen: a quiet second is not idle. */
const QUIET_MS = 10_000;

export type StoreWrites = {
  /** rows written per second since the previous look (null at the first look) */
  perSecond: number | null;
  /** written within the last ten seconds (and at the first look, before there is a rate) */
  busy: boolean;
};

/** The table the service writes: the store's keys table, or the connected preset's own table. */
export const writtenTable = (t: TableNames) => t.source.base;

export function storeWritesWatcher(pool: Pool) {
  let last: { table: string; rows: number; at: number } | null = null;
  let lastWriteAt = 0;

  return async function look(t: TableNames): Promise<StoreWrites> {
    const table = writtenTable(t);
    const r = await pool.query<{ rows: number | null }>(
      `SELECT sum(n_tup_ins + n_tup_upd + n_tup_del)::float8 AS rows
         FROM pg_stat_all_tables
        WHERE relid = to_regclass($1)
           OR relid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = to_regclass($1))`,
      [table],
    );
    const now = Date.now();
    const rows = r.rows[0]?.rows ?? 0;
    const before = last?.table === table ? last : null;
    last = { table, rows, at: now };
    // nothing to compare with yet: taken as written (a second of caution, not of full speed)
    if (!before) return { perSecond: null, busy: true };
    const written = rows - before.rows;
    if (written > 0) lastWriteAt = now;
    return {
      perSecond: (Math.max(0, written) * 1000) / Math.max(1, now - before.at),
      busy: now - lastWriteAt < QUIET_MS,
    };
  };
}
