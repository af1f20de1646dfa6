// One exact, incremental step of the collector: reads the next events after the watermark plus
// any earlier gaps that became visible, folds them into every rollup, and moves the watermark,
// all in one transaction (a crash mid-batch rolls everything back; nothing is counted twice).
import type { StoreContext } from "../contract/context";
import type { Pool, PoolClient } from "pg";
import { inTransaction } from "../db/pool";
import { ensureKeptTables, keptShareLock } from "../ingest/sources/kept-state";
import { drainCaptureQueue } from "../ingest/sources/capture-drain";
import { fillWorkTable } from "./work-tables";
import { runBatchPipeline } from "./pipeline";
import type { Keep } from "../contract/grains";

export type BatchResult = {
  events: number;
  recovered: number;
  gapsOpen: number;
  caughtUp: boolean;
};

export type BatchOptions = {
  batchSize?: number;
  /** rows a resolution keeps (days): older events skip it, as retention would delete them */
  retentionDays?: Keep;
  /** a gap gets its fence this long after detection: time for its writer to have an xid */
  gapFenceSeconds?: number;
};

export async function collectBatch(
  ctx: StoreContext<Pool>,
  options: BatchOptions = {},
): Promise<BatchResult> {
  const { db: pool, tables: t } = ctx;
  if (t.kept) await ensureKeptTables(pool, t);
  // One snapshot for every statement: the gap bookkeeping relies on it.
  return inTransaction(
    pool,
    async (client) => {
      await client.query("SET LOCAL timezone = 'UTC'"); // day buckets are UTC days
      // before the snapshot: a fill of the kept state is either wholly in it or waits for it
      if (t.kept) await client.query(keptShareLock(t));
      return foldNextBatch(
        { ...ctx, db: client },
        options.batchSize ?? 50_000,
        options.gapFenceSeconds ?? 5,
        options.retentionDays ?? { minute: 3, hour: 90 },
      );
    },
    "BEGIN ISOLATION LEVEL REPEATABLE READ",
  );
}

async function foldNextBatch(
  ctx: StoreContext<PoolClient>,
  batchSize: number,
  gapFenceSeconds: number,
  keep: Keep,
): Promise<BatchResult> {
  const { db: c, tables: t } = ctx;
  const own = t.ownTable;
  // Serializes collectors even if two ever ran (the advisory lock should prevent it).
  const state = await c.query<{ watermark: string; lo: string | null; hi: string | null }>(
    `SELECT watermark, history_lo AS lo, history_hi AS hi FROM ${own("collector_state")} WHERE id = 1 FOR UPDATE`,
  );
  const watermark = state.rows[0]?.watermark ?? "0";
  const history = { historyLo: state.rows[0]?.lo ?? null, historyHi: state.rows[0]?.hi ?? null };
  // a connected preset's captured row changes become events first (lib/ingest/sources/capture-drain.ts)
  await drainCaptureQueue(ctx, { maxBatches: 1, batchSize });
  await fillWorkTable(
    c,
    "batch",
    `SELECT ${BATCH_COLUMNS} FROM ${t.events} WHERE id > $1 ORDER BY id LIMIT $2`,
    [watermark, batchSize],
  );
  const top = await c.query<{ n: number; max: string | null }>(
    `SELECT count(*)::int AS n, max(id) AS max FROM batch`,
  );
  const fresh = top.rows[0]?.n ?? 0;
  const newWatermark = top.rows[0]?.max ?? watermark;
  const recovered = await c.query(
    `INSERT INTO batch
       SELECT e.id, e.at, e.scope, e.endpoint, e.key, e.kind, e.response_code, e.latency_ms
         FROM ${t.events} e JOIN ${own("collector_gaps")} g ON g.id = e.id`,
  );
  // ids (watermark, newWatermark] all present: no gap to look for (the usual case)
  if (BigInt(newWatermark) - BigInt(watermark) !== BigInt(fresh))
    await registerGaps(ctx, watermark, newWatermark);
  await c.query(
    `UPDATE ${own("collector_gaps")} SET fence = pg_snapshot_xmax(pg_current_snapshot())
      WHERE fence IS NULL AND detected_at < now() - make_interval(secs => $1)`,
    [gapFenceSeconds],
  );
  // Every transaction that could have held these ids has ended, and this snapshot does not see
  // their rows: they were rolled back (or never used). Safe to forget.
  // (a gap that shows now is in the batch: it stays until the batch is folded, below)
  await c.query(
    `DELETE FROM ${own("collector_gaps")} g WHERE fence < pg_snapshot_xmin(pg_current_snapshot())
        AND NOT EXISTS (SELECT FROM batch b WHERE b.id = g.id)`,
  );

  if (fresh + (recovered.rowCount ?? 0) > 0)
    await runBatchPipeline({
      ...ctx,
      keep,
      folded: { watermark, ...history },
      stageClientDays: null,
    });
  // the gaps that showed are folded now; until here they stood for "not folded before this
  // batch" (lib/contract/vocabulary.ts, foldedBefore)
  await c.query(`DELETE FROM ${own("collector_gaps")} g USING batch b WHERE g.id = b.id`);

  const gaps = await c.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${own("collector_gaps")}`,
  );
  const caughtUp = fresh < batchSize;
  await c.query(
    `UPDATE ${own("collector_state")}
        SET watermark = $1, events_total = events_total + $2, batches_total = batches_total + 1,
            last_run_at = now(), last_caught_up_at = CASE WHEN $3 THEN now() ELSE last_caught_up_at END
      WHERE id = 1`,
    [newWatermark, fresh + (recovered.rowCount ?? 0), caughtUp],
  );
  return {
    events: fresh,
    recovered: recovered.rowCount ?? 0,
    gapsOpen: gaps.rows[0]?.n ?? 0,
    caughtUp,
  };
}

/**
 * Ids in (lo, hi] that `batch` lacks: not visible yet (a transaction still open) or never to be
 * (rolled back). Re-read by every live batch until visible, or dropped once fenced.
 */
export async function registerGaps(
  ctx: StoreContext<PoolClient>,
  lo: string,
  hi: string,
): Promise<void> {
  await ctx.db.query(
    `INSERT INTO ${ctx.tables.ownTable("collector_gaps")} (id)
       SELECT g FROM generate_series($1::bigint + 1, $2::bigint) g
        WHERE NOT EXISTS (SELECT 1 FROM batch b WHERE b.id = g)
     ON CONFLICT DO NOTHING`,
    [lo, hi],
  );
}

/** The SELECT list of `batch`: what the folds read of an event. */
export const BATCH_COLUMNS = "id, at, scope, endpoint, key, kind, response_code, latency_ms";
