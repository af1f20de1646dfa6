// Connecting to a store that already holds events (docs/performance.md, "Connecting to a large
// store"): the collector folds new events live from the moment it starts, and the history
// below that point newest first, a batch at a time, so the last hour is on the Overview within
// seconds and older days follow. Batches may come in any order and the rollups end exact
// (lib/fold/fold-intents.ts); until the history is folded, numbers that depend on it
// (duplicate successes, keys per client) are provisional and older ranges incomplete, and the
// pages say so. Every history batch runs in its own transaction, like a live one.
import type { Pool, PoolClient } from "pg";
import type { FoldProgress } from "../client/api-types/fold";
import type { StoreContext } from "../contract/context";
import { inTransaction } from "../db/pool";
import { BATCH_COLUMNS, registerGaps } from "./collect-batch";
import { runBatchPipeline } from "./pipeline";
import type { Keep } from "../contract/grains";
import { completedADay, mergeStagedClientDays } from "./staged-client-days";
import { fillWorkTable } from "./work-tables";

export type HistoryProgress = FoldProgress;

type StateRow = {
  watermark: string;
  history_hi: string | null;
  history_lo: string | null;
  history_complete_from?: Date | null;
};

/**
 * On a collector's first run against a store (nothing folded yet), the live fold starts at the
 * newest event and the rest becomes history. Returns whether history was set up now.
 */
export async function beginHistoryIfNew(ctx: StoreContext<Pool>): Promise<boolean> {
  const own = ctx.tables.ownTable;
  return inTransaction(ctx.db, async (c) => {
    const s = await c.query<StateRow>(
      `SELECT watermark, history_hi, history_lo FROM ${own("collector_state")} WHERE id = 1 FOR UPDATE`,
    );
    const row = s.rows[0];
    if (!row || row.history_hi !== null || row.watermark !== "0") return false;
    // an index read each: the events table's primary key
    const r = await c.query<{ lo: string | null; hi: string | null }>(
      `SELECT (SELECT min(id) FROM ${ctx.tables.events}) AS lo, (SELECT max(id) FROM ${ctx.tables.events}) AS hi`,
    );
    const { lo, hi } = r.rows[0]!;
    if (hi === null) {
      // nothing yet: everything to come is live
      await c.query(
        `UPDATE ${own("collector_state")} SET history_hi = 0, history_lo = 0, history_total = 0,
                history_started_at = now(), history_finished_at = now() WHERE id = 1`,
      );
      return false;
    }
    const estimate = await c.query<{ n: string }>(
      // the id range bounds it; the planner's estimate (once the table was analyzed) is closer
      `SELECT (CASE WHEN t.n > 0 THEN least(t.range, t.n) ELSE t.range END)::bigint::text AS n
         FROM (SELECT $1::bigint - $2::bigint + 1 AS range,
                      (SELECT reltuples FROM pg_class WHERE oid = $3::regclass) AS n) t`,
      [hi, lo, ctx.tables.events],
    );
    await c.query(
      `UPDATE ${own("collector_state")}
          SET watermark = $1, history_hi = $1, history_lo = $2::bigint - 1, history_total = $3,
              history_done = 0, history_started_at = now(), history_finished_at = NULL,
              history_complete_from = NULL, history_compacted_at = NULL,
              history_limit_reason = NULL
        WHERE id = 1`,
      [hi, lo, estimate.rows[0]!.n],
    );
    return true;
  });
}

/**
 * Folds the next (newest) history batch, at most `batchSize` ids wide. Returns the progress, or
 * null when no history is left.
 */
export async function collectHistoryBatch(
  ctx: StoreContext<Pool>,
  o: { batchSize: number; keep: Keep },
): Promise<HistoryProgress | null> {
  const own = ctx.tables.ownTable;
  return inTransaction(
    ctx.db,
    async (client) => {
      const c: StoreContext<PoolClient> = { ...ctx, db: client };
      await client.query("SET LOCAL timezone = 'UTC'");
      const s = await client.query<StateRow>(
        `SELECT watermark, history_hi, history_lo, history_complete_from
           FROM ${own("collector_state")} WHERE id = 1 FOR UPDATE`,
      );
      const row = s.rows[0];
      if (!row || row.history_hi === null || row.history_lo === null) return null;
      const hi = BigInt(row.history_hi);
      const lo = BigInt(row.history_lo);
      if (hi <= lo) return null;
      const from = hi - BigInt(o.batchSize) > lo ? hi - BigInt(o.batchSize) : lo;
      // a bitmap scan reads the range's heap pages in order, with read-ahead (history is rarely
      // in memory); an index scan would fetch them one by one
      await client.query("SET LOCAL enable_indexscan = off");
      await fillWorkTable(
        client,
        "batch",
        `SELECT ${BATCH_COLUMNS} FROM ${ctx.tables.events} WHERE id > $1 AND id <= $2`,
        [String(from), String(hi)],
      );
      await client.query("SET LOCAL enable_indexscan = on");
      const n = await client.query<{ n: number; oldest: Date | null }>(
        `SELECT count(*)::int AS n, min(at) AS oldest FROM batch`,
      );
      const { n: events, oldest } = n.rows[0]!;
      // an id of this range not visible now belonged to a transaction open when the fold began
      // (or one rolled back): the live fold re-reads it until it shows or is fenced off
      if (hi - from !== BigInt(events)) await registerGaps(c, String(from), String(hi));
      const done = from <= lo;
      if (events > 0)
        await runBatchPipeline({
          ...c,
          keep: o.keep,
          folded: {
            watermark: row.watermark,
            historyLo: row.history_lo,
            // this batch's range (from, hi] and the history below it: not folded before it
            historyHi: row.history_hi,
          },
          // day rows of the days this batch completes go straight into rollup_clients: where a
          // batch spans days (1 M keys), staging them only to merge them at its end took a fifth
          // of the fold. The day it leaves incomplete waits in history_client_days.
          stageClientDays: done
            ? null
            : { from: earliest(row.history_complete_from ?? null, oldest) },
        });
      const r = await client.query<HistoryRow>(
        `UPDATE ${own("collector_state")}
            SET history_hi = $1, history_done = history_done + $2,
                history_complete_from = CASE WHEN $4 THEN NULL
                                             WHEN $3::timestamptz IS NULL THEN history_complete_from
                                             ELSE least(coalesce(history_complete_from, $3), $3) END,
                history_finished_at = CASE WHEN $4 THEN now() END,
                events_total = events_total + $2, last_run_at = now()
          WHERE id = 1
          RETURNING ${HISTORY_COLUMNS}`,
        [String(from), events, oldest, done],
      );
      const after = r.rows[0]!;
      const completeFrom = after.finished_at ? null : after.complete_from;
      if (completedADay(row.history_complete_from ?? null, completeFrom))
        await mergeStagedClientDays(client, ctx.tables, completeFrom);
      return progressOf(after);
    },
    "BEGIN ISOLATION LEVEL REPEATABLE READ",
  );
}

/** The fold's complete-from time once a batch whose oldest event is `oldest` is folded (the
 * UPDATE of collector_state below stores the same, to the microsecond). */
function earliest(completeFrom: Date | null, oldest: Date | null): Date | null {
  if (completeFrom === null || oldest === null) return completeFrom ?? oldest;
  return oldest < completeFrom ? oldest : completeFrom;
}

type HistoryRow = {
  total: string | null;
  done: string;
  complete_from: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  elapsed: number | null;
};

export const HISTORY_COLUMNS = `history_total::text AS total, history_done::text AS done,
  history_complete_from AS complete_from, history_started_at AS started_at,
  history_finished_at AS finished_at,
  extract(epoch FROM coalesce(history_finished_at, now()) - history_started_at)::float8 AS elapsed`;

function progressOf(r: HistoryRow): HistoryProgress {
  const done = Number(r.done);
  const total = Math.max(Number(r.total ?? 0), done);
  const rate = r.elapsed && r.elapsed > 0 ? done / r.elapsed : 0;
  const finished = r.finished_at !== null;
  return {
    done,
    total: finished ? done : total,
    completeFrom: r.complete_from?.toISOString() ?? null,
    startedAt: (r.started_at ?? new Date()).toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    etaSeconds: finished ? 0 : rate > 0 ? (total - done) / rate : null,
  };
}

/** Where the history fold stands; null when there is none (a store connected while empty). */
export async function readHistoryProgress(
  ctx: StoreContext<Pool | PoolClient>,
): Promise<HistoryProgress | null> {
  const r = await ctx.db.query<HistoryRow & { total_known: boolean }>(
    `SELECT ${HISTORY_COLUMNS}, history_total IS NOT NULL AND history_total > 0 AS total_known
       FROM ${ctx.tables.ownTable("collector_state")} WHERE id = 1`,
  );
  const row = r.rows[0];
  if (!row || !row.total_known) return null;
  return progressOf(row);
}
