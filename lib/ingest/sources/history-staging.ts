// The import's reads of a library's table (./history-import.ts): a range of its blocks derived
// into a temp table of the collector's connection and committed, then a wait until capture has
// applied every change committed before the read, so that a row read with no preimage is known
// to be as it was when capture began.
import type { Pool, PoolClient } from "pg";
import type { StoreContext } from "../../contract/context";
import { CAPTURE_QUEUE_TABLE } from "../../contract/tables";
import type { SourceBinding } from "../../contract/source-binding";
import { drainCaptureQueue, isRowFault } from "./capture-drain";
import { STATE } from "./history-preimages";
import { derivedSelectList, type OwnNames } from "./derived-sql";

/** the staged rows of the batch under way: a temp table of the collector's connection */
export const STAGED = "history_rows";

/** Empties the staged rows of `c` (after their batch, or when capture has not caught up). */
export async function dropStaged(c: PoolClient): Promise<void> {
  await c.query(`TRUNCATE ${STAGED}`);
}

export type Position = { lsn: string; at: Date; queued: string | null };
export type Staged = Position & { rows: number; unreadable: number };

/** Where capture must have got to: the WAL position and time now, and the newest queued change. */
export async function readPosition(c: PoolClient, t: OwnNames): Promise<Position> {
  const r = await c.query<Position>(
    `SELECT pg_current_wal_lsn()::text AS lsn, clock_timestamp() AS at,
            (SELECT max(seq) FROM ${t.ownTable(CAPTURE_QUEUE_TABLE)})::text AS queued`,
  );
  return r.rows[0]!;
}

/**
 * Reads the blocks [lo, hi) of the table, derived into STATE's columns, into this connection's
 * temp table, and commits: the table's lock is not held while capture catches up.
 */
export async function stageBlocks(
  c: PoolClient,
  b: SourceBinding,
  t: OwnNames,
  { lo, hi, movesFromXid }: { lo: number; hi: number; movesFromXid: string | null },
): Promise<Staged> {
  // whether the row's version was written by a transaction that may have begun after the import
  // did (its xmin no older than the oldest running when it began; every version, when that is
  // unknown): only such a row can have been moved since it was read. (The xid is written into
  // the statement: the temp table is created from the same select list, and CREATE TABLE AS
  // takes no parameters.)
  const since = movesFromXid && /^\d+$/.test(movesFromXid) ? `'${movesFromXid}'::xid` : "NULL::xid";
  const derived = `${derivedSelectList(b.preset, false, STATE)},
    coalesce(age(r.xmin) <= age(${since}), true) AS written_since`;
  await c.query(
    `CREATE TEMP TABLE IF NOT EXISTS ${STAGED} ON COMMIT PRESERVE ROWS AS
       SELECT ${derived} FROM ${b.base} AS r WITH NO DATA`,
  );
  // (a batch that failed on this connection may have left its rows)
  await c.query(`TRUNCATE ${STAGED}`);
  const range = (from: string, to: string) =>
    `SELECT ${derived} FROM ${b.base} AS r WHERE r.ctid >= ${from}::tid AND r.ctid < ${to}::tid`;
  let unreadable = 0;
  try {
    await c.query(`INSERT INTO ${STAGED} ${range("$1", "$2")}`, [`(${lo},0)`, `(${hi},0)`]);
  } catch (err) {
    if (!isRowFault(err)) throw err;
    // a row the preset cannot derive: the range row by row, that row left out and counted
    await c.query(`TRUNCATE ${STAGED}`);
    unreadable = await stageRowByRow(c, b, `(${lo},0)`, `(${hi},0)`, range);
  }
  const n = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${STAGED}`);
  return { ...(await readPosition(c, t)), rows: n.rows[0]!.n + unreadable, unreadable };
}

async function stageRowByRow(
  c: PoolClient,
  b: SourceBinding,
  from: string,
  to: string,
  range: (from: string, to: string) => string,
): Promise<number> {
  const tids = await c.query<{ tid: string }>(
    `SELECT r.ctid::text AS tid FROM ${b.base} AS r WHERE r.ctid >= $1::tid AND r.ctid < $2::tid`,
    [from, to],
  );
  let unreadable = 0;
  await c.query("BEGIN");
  for (const { tid } of tids.rows) {
    await c.query("SAVEPOINT history_row");
    try {
      await c.query(`INSERT INTO ${STAGED} ${range("$1", "$2")}`, [tid, nextTid(tid)]);
      await c.query("RELEASE SAVEPOINT history_row");
    } catch (err) {
      if (!isRowFault(err)) throw err;
      await c.query("ROLLBACK TO SAVEPOINT history_row");
      unreadable++;
    }
  }
  await c.query("COMMIT");
  return unreadable;
}

const nextTid = (tid: string) => {
  const [block, item] = tid.slice(1, -1).split(",").map(Number);
  return `(${block},${item! + 1})`;
};

/**
 * Whether capture has applied every change committed before `p` was read: then a row read with no
 * preimage was unchanged since capture began. Trigger capture's queue is drained here; logical
 * capture's consumer is waited for (its heartbeats come every second).
 */
export async function captureCaughtUp(
  ctx: StoreContext<Pool>,
  p: Position,
  waitMs: number,
): Promise<boolean> {
  const t = ctx.tables;
  if (!t.source.capture.streamsWal) {
    await drainCaptureQueue(ctx);
    const left = await ctx.db.query(
      `SELECT 1 FROM ${t.ownTable(CAPTURE_QUEUE_TABLE)} WHERE seq <= $1 LIMIT 1`,
      [p.queued ?? "0"],
    );
    return left.rows.length === 0;
  }
  const until = Date.now() + waitMs;
  for (;;) {
    const r = await ctx.db.query<{ ok: boolean }>(
      `SELECT applied_lsn >= $1::pg_lsn OR coalesce(caught_up_to >= $2, false) AS ok
         FROM ${t.ownTable("logical_state")} WHERE id = 1`,
      [p.lsn, p.at],
    );
    if (r.rows[0]?.ok) return true;
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
