// The collector's side of importing a library's table (lib/ingest/sources/history-import.ts):
// one batch of rows, staged from the table, each as it was when capture began, folded straight
// into the rollups as the contract events it says, in one transaction with the import's progress
// (a crash rolls back both: no row counted twice, none lost). Folding order does not matter
// (lib/fold/fold-intents.ts): a key that succeeded before capture and again after it is a
// duplicate success whichever was folded first.
import type { Pool, PoolClient } from "pg";
import type { StoreContext } from "../contract/context";
import type { Keep } from "../contract/grains";
import { captureCaughtUp, dropStaged } from "../ingest/sources/history-staging";
import {
  eventIdsUsed,
  readImportProgress,
  recordBatch,
  stageNextBatch,
  importEventsStatement,
  type ImportBatch,
  type ImportProgress,
} from "../ingest/sources/history-import";
import { runBatchPipeline } from "./pipeline";
import { packImportedIntents } from "./imported-intents";
import { mergeStagedClientDays } from "./staged-client-days";
import { fillWorkTable } from "./work-tables";
import { BATCH_COLUMNS } from "./collect-batch";
import { PER_INTENT_TYPES } from "../contract/vocabulary";

/** Each imported row's intent, as classification reads a batch's intents: a temp table. */
const IMPORTED_INTENTS = "import_intents";

/**
 * Imports about `rows` rows and returns the progress; null when there is nothing (left) to
 * import. Waits at most `waitMs` for capture to apply the changes committed before the rows were
 * read; if it has not, the same rows are read again at the next batch.
 */
export async function importHistoryBatch(
  ctx: StoreContext<Pool>,
  o: { rows: number; keep: Keep; waitMs?: number },
): Promise<ImportProgress | null> {
  const c = await ctx.db.connect();
  try {
    const batch = await stageNextBatch(ctx, c, o.rows);
    if (!batch) return null;
    const position = batch.kind === "blocks" ? batch.staged : batch.position;
    if (!(await captureCaughtUp(ctx, position, o.waitMs ?? 1500))) {
      await dropStaged(c);
      return readImportProgress({ ...ctx, db: c });
    }
    await c.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
    try {
      await foldBatch({ ...ctx, db: c }, batch, o.keep);
      await c.query("COMMIT");
    } catch (err) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw err;
    }
    if (batch.kind === "blocks") await dropStaged(c);
    return readImportProgress({ ...ctx, db: c });
  } finally {
    c.release();
  }
}

/** In the transaction of `ctx.db`: the batch's rows as they were at T0, folded as events. */
async function foldBatch(
  ctx: StoreContext<PoolClient>,
  batch: ImportBatch,
  keep: Keep,
): Promise<void> {
  const { db: c, tables: t } = ctx;
  await c.query("SET LOCAL timezone = 'UTC'"); // day buckets are UTC days
  // serializes with the live batches, as each of them does
  const state = await c.query<{ watermark: string; lo: string | null; hi: string | null }>(
    `SELECT watermark, history_lo AS lo, history_hi AS hi
       FROM ${t.ownTable("collector_state")} WHERE id = 1 FOR UPDATE`,
  );
  const s = state.rows[0];
  // the collector's work table of a batch's events, empty (this connection may not have it yet)
  await fillWorkTable(c, "batch", `SELECT ${BATCH_COLUMNS} FROM ${t.events} LIMIT 0`);
  await c.query(
    `CREATE TEMP TABLE IF NOT EXISTS ${IMPORTED_INTENTS} (${PER_INTENT_TYPES}) ON COMMIT DELETE ROWS`,
  );
  const filled = await c.query(importEventsStatement(t, batch, IMPORTED_INTENTS), [
    await eventIdsUsed(c, t),
  ]);
  const events = filled.rowCount ?? 0;
  // A row is an intent's whole story when no other row of the batch has the same intent (the
  // library's unique key makes it so, but a layout may keep several runs of one key): otherwise
  // the batch's events are grouped into intents, as any batch's are
  const shared = await c.query<{ repeated: boolean }>(
    `SELECT EXISTS (SELECT FROM ${IMPORTED_INTENTS} GROUP BY intent HAVING count(*) > 1) AS repeated`,
  );
  const { repeated } = shared.rows[0]!;
  if (events > 0)
    await runBatchPipeline({
      ...ctx,
      keep,
      folded: {
        watermark: s?.watermark ?? "0",
        historyLo: s?.lo ?? null,
        historyHi: s?.hi ?? null,
      },
      // the per-client day rows wait in history_client_days (the import reads by block, not by
      // time: no day is complete before it ends), one append a batch instead of an upsert a row
      stageClientDays: { from: null },
      intents: repeated ? undefined : `SELECT * FROM ${IMPORTED_INTENTS}`,
    });
  // done: the staged day rows summed into rollup_clients, once; the intents the memory knows
  // from imported rows alone packed (a fifth of their memory rows' size)
  if (batch.kind === "gone") {
    await mergeStagedClientDays(c, t, null);
    await packImportedIntents(c, t);
  }
  await recordBatch(c, t, batch);
}
