// The rows a library's table already holds when capture is installed, read once (issue #33;
// docs/capture.md, "The history already in the table"). Each row says what it honestly can: a
// first request at its creation, its outcome at its completion. Retries, replays and duplicates
// before capture were never recorded anywhere. The collector folds what the rows say straight into
// its rollups (lib/fold/history-import.ts): no event is stored for them, so the import costs the
// store's primary no more than the rollups it writes.
//
// What a row says is its state when capture began (T0): every change after T0 is captured and
// counted once, by the drain. A row read later may have changed since T0, so the drain (and
// idemscope's own actions) record each row's state before its first captured change, while the
// import runs (./history-preimages.ts; `born` for a row inserted after T0, which has nothing to
// import). A row read with no preimage, once capture has applied every change committed before the
// read, is unchanged since T0. The table is read by block ranges, from its end (the newest rows)
// to its start, with a TID range scan: no index, no scan of the whole table at once, and the
// collector's busy limit between batches. A row imported once is never imported again (an update
// may move a row into blocks not read yet), and a row deleted since T0, or moved into blocks
// already read, is imported from its preimage at the end.
import type { Pool, PoolClient } from "pg";
import type { StoreContext } from "../../contract/context";
import {
  HISTORY_IMPORT_TABLE,
  HISTORY_IMPORTED_TABLE,
  HISTORY_PREIMAGES_TABLE,
} from "../../contract/tables";
import { intentHash, isSuccess, PER_INTENT_COLUMNS } from "../../contract/vocabulary";
import { STATE, STATE_LIST } from "./history-preimages";
import { readPosition, STAGED, stageBlocks, type Position, type Staged } from "./history-staging";
import type { OwnNames } from "./derived-sql";
import type { FoldProgress } from "../../client/api-types/fold";

/** `completeFrom`: when capture began, every event from then on captured. */
export type ImportProgress = FoldProgress;

type StateRow = {
  next_block: string | null;
  blocks: string | null;
  rows_total: string | null;
  rows_read: string;
  started_at: Date;
  finished_at: Date | null;
  elapsed: number;
};

async function readState(db: Pool | PoolClient, t: OwnNames): Promise<StateRow | null> {
  const r = await db.query<StateRow>(
    `SELECT next_block::text, blocks::text, rows_total::text, rows_read::text, started_at,
            finished_at, extract(epoch FROM coalesce(finished_at, now()) - started_at)::float8 AS elapsed
       FROM ${t.ownTable(HISTORY_IMPORT_TABLE)} WHERE id = 1`,
  );
  return r.rows[0] ?? null;
}

function progressOf(s: StateRow, since: string | null): ImportProgress {
  const done = Number(s.rows_read);
  const finished = s.finished_at !== null;
  const total = finished ? done : Math.max(Number(s.rows_total ?? 0), done);
  const rate = s.elapsed > 0 ? done / s.elapsed : 0;
  return {
    done,
    total,
    completeFrom: since,
    startedAt: s.started_at.toISOString(),
    finishedAt: s.finished_at?.toISOString() ?? null,
    etaSeconds: finished ? 0 : rate > 0 ? (total - done) / rate : null,
  };
}

/** Where the import stands; null when the source imports nothing (the contract, an old source). */
export async function readImportProgress(
  ctx: StoreContext<Pool | PoolClient>,
): Promise<ImportProgress | null> {
  const b = ctx.tables.source;
  if (!b.capture.mapped || !b.importsHistory) return null;
  const s = await readState(ctx.db, ctx.tables);
  return s ? progressOf(s, b.installedAt) : null;
}

export type ImportBatch =
  /** blocks [lo, …) staged in this connection's temp table, waiting for capture to catch up */
  | { kind: "blocks"; lo: number; staged: Staged }
  /** every block read: the rows gone since T0 are left (importGoneStates) */
  | { kind: "gone"; position: Position };

/**
 * Stages the next blocks of the table (about `rows` rows, the newest not read yet) on `c`, or
 * says that every block is read; null when the import is done or the source imports nothing.
 */
export async function stageNextBatch(
  ctx: StoreContext<Pool>,
  c: PoolClient,
  rows: number,
): Promise<ImportBatch | null> {
  const t = ctx.tables;
  const b = t.source;
  if (!b.capture.mapped || !b.importsHistory) return null;
  let s = await readState(ctx.db, t);
  if (!s || s.finished_at) return null;
  if (s.next_block === null) s = await sizeTable(ctx.db, t, b.base);
  const next = Number(s.next_block);
  if (next <= 0) return { kind: "gone", position: await readPosition(c, t) };
  const perBlock = Math.max(1, Number(s.rows_total ?? 0) / Math.max(1, Number(s.blocks ?? 1)));
  const lo = Math.max(0, next - Math.max(1, Math.ceil(rows / perBlock)));
  const movesFromXid = await movesFrom(c, t, b.base);
  return { kind: "blocks", lo, staged: await stageBlocks(c, b, t, { lo, hi: next, movesFromXid }) };
}

/**
 * The oldest transaction that may have moved a row since the import began, as an xid; null when
 * any row may have: the table was rewritten (VACUUM FULL, CLUSTER: every row moves and keeps its
 * xmin), its storage is unknown (a partitioned table), or so many transactions have passed that
 * 32-bit xids no longer compare.
 */
async function movesFrom(c: PoolClient, t: OwnNames, base: string): Promise<string | null> {
  const r = await c.query<{ xid: string | null }>(
    `SELECT CASE WHEN read_filenode = pg_relation_filenode($1::regclass)
                  AND pg_snapshot_xmin(pg_current_snapshot())::text::numeric
                      - moves_from::text::numeric < 1073741824
                 THEN (moves_from::text::numeric % 4294967296)::text END AS xid
       FROM ${t.ownTable(HISTORY_IMPORT_TABLE)} WHERE id = 1`,
    [base],
  );
  return r.rows[0]?.xid ?? null;
}

/** A row's two events: its first request, then its outcome (n: the row's number in the batch). */
const REQUEST_ID = "-($1::bigint + 2 * n - 1)";
const OUTCOME_ID = "-($1::bigint + 2 * n)";
const OUTCOME = "status IN ('completed', 'failed') AND outcome_at IS NOT NULL";

/**
 * The statement that turns the batch's rows, each as it was at T0 (its preimage where it changed
 * since) and not imported before, into contract events in the collector's work table `batch`
 * (id, at, scope, endpoint, key, kind, response_code, latency_ms), and records them as imported:
 * a first request at each row's creation, its outcome at its completion (at its last run where
 * the layout keeps no completion time). Each row's intent goes into `intentsTable` too, in
 * classification's per-intent columns (PER_INTENT_COLUMNS, lib/fold/fold-intents.ts): a row is
 * the whole story of its key, so the events need not be grouped back into intents. The events'
 * ids are negative, two a row below $1 (the ids used so far): no event of the store has them.
 * (Their order among events of the same instant is arbitrary: sorting a batch for it cost a
 * tenth of the import.)
 */
export function importEventsStatement(
  t: OwnNames,
  batch: ImportBatch,
  intentsTable: string,
): string {
  const pre = t.ownTable(HISTORY_PREIMAGES_TABLE);
  const imported = t.ownTable(HISTORY_IMPORTED_TABLE);
  // A row read twice (an update moved it into blocks not read yet) is imported once. Only a row
  // written since the import began can have moved: it alone is looked up among the rows imported
  // so far, by their index (a scalar subquery, never a join that hashes millions of ids a batch)
  const importedBefore = (alias: string) =>
    `coalesce((SELECT true FROM ${imported} i WHERE i.id = ${alias}.id), false)`;
  const states =
    batch.kind === "blocks"
      ? `SELECT ${STATE.map((col) => `h.${col}`).join(", ")}
           FROM ${STAGED} h
          WHERE NOT EXISTS (SELECT 1 FROM ${pre} p WHERE p.id = h.id)
            AND (NOT h.written_since OR NOT ${importedBefore("h")})
         UNION ALL
         SELECT ${STATE.map((col) => `p.${col}`).join(", ")}
           FROM ${pre} p JOIN ${STAGED} h ON h.id = p.id WHERE NOT p.born AND NOT ${importedBefore("p")}`
      : `SELECT ${STATE_LIST} FROM ${pre} p WHERE NOT born AND NOT ${importedBefore("p")}`;
  return `
    WITH s AS MATERIALIZED (
      SELECT x.*, row_number() OVER () AS n,
             coalesce(x.completed_at, x.updated_at, x.created_at) AS outcome_at
        FROM (${states}) x
       WHERE x.id IS NOT NULL AND x.scope IS NOT NULL AND x.endpoint IS NOT NULL AND x.key IS NOT NULL
    ), recorded AS (
      INSERT INTO ${imported} (id) SELECT id FROM s
    ), intents AS (
      INSERT INTO ${intentsTable} (${PER_INTENT_COLUMNS})
      SELECT ${intentHash()}, scope, endpoint, key,
             created_at, CASE WHEN created_at IS NOT NULL THEN ${REQUEST_ID} END,
             CASE WHEN ok THEN outcome_at END, CASE WHEN ok THEN ${OUTCOME_ID} END,
             ok::int, (created_at IS NOT NULL)::int
        -- (never NULL: a finished row without a response code is no success, and counts 0)
        FROM (SELECT *, coalesce(${OUTCOME} AND ${isSuccess("status")}, false) AS ok FROM s) r
       WHERE created_at IS NOT NULL OR ${OUTCOME} -- (an intent of the batch has an event in it)
    )
    INSERT INTO batch (id, at, scope, endpoint, key, kind, response_code, latency_ms)
    SELECT ${REQUEST_ID}, created_at, scope, endpoint, key, 'claimed', NULL::int, NULL::float8
      FROM s WHERE created_at IS NOT NULL
    UNION ALL
    -- (two scans of the rows, not a row of VALUES joined to each: a third of the statement)
    SELECT ${OUTCOME_ID}, outcome_at, scope, endpoint, key, status, response_code, NULL
      FROM s WHERE ${OUTCOME}`;
}

/**
 * Where the import stands after a batch: its blocks read, its rows, and the event ids it may
 * have used (two a row read: a row's ids follow its number among the rows it folded, which are
 * at most the rows read).
 */
export async function recordBatch(c: PoolClient, t: OwnNames, batch: ImportBatch): Promise<void> {
  const state = t.ownTable(HISTORY_IMPORT_TABLE);
  if (batch.kind === "blocks")
    await c.query(
      `UPDATE ${state} SET next_block = $1, rows_read = rows_read + $2, events = events + 2 * $2,
              skipped = skipped + $3
        WHERE id = 1`,
      [batch.lo, batch.staged.rows, batch.staged.unreadable],
    );
  else {
    // done (no batch after it needs ids): the drain stops recording preimages, and what the
    // import kept goes
    await c.query(`UPDATE ${state} SET finished_at = now() WHERE id = 1`);
    // (TRUNCATE: their pages go back at once, where a DELETE keeps them until a vacuum)
    await c.query(
      `TRUNCATE ${t.ownTable(HISTORY_PREIMAGES_TABLE)}, ${t.ownTable(HISTORY_IMPORTED_TABLE)}`,
    );
  }
}

/** The synthetic event ids used so far: the next batch's start below them. */
export async function eventIdsUsed(c: PoolClient, t: OwnNames): Promise<string> {
  const r = await c.query<{ n: string }>(
    `SELECT events::text AS n FROM ${t.ownTable(HISTORY_IMPORT_TABLE)} WHERE id = 1`,
  );
  return r.rows[0]?.n ?? "0";
}

/** The table's size in blocks and rows, from the catalog, at the first batch. */
async function sizeTable(pool: Pool, t: OwnNames, base: string): Promise<StateRow> {
  await pool.query(
    `UPDATE ${t.ownTable(HISTORY_IMPORT_TABLE)}
        SET next_block = s.blocks, blocks = s.blocks,
            moves_from = pg_snapshot_xmin(pg_current_snapshot()), read_filenode = s.filenode,
            rows_total = CASE WHEN s.tuples >= 0 THEN s.tuples ELSE s.blocks * 50 END
       FROM (SELECT pg_relation_size(c.oid) / current_setting('block_size')::bigint AS blocks,
                    c.reltuples::bigint AS tuples, pg_relation_filenode(c.oid) AS filenode
               FROM pg_class c WHERE c.oid = $1::regclass) s
      WHERE id = 1`,
    [base],
  );
  return (await readState(pool, t))!;
}
