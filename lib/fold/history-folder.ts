// How much of each collector tick the history fold takes (lib/fold/history.ts): one batch a
// tick, sized to take about IDEMSCOPE_COLLECTOR_HISTORY_BATCH_MS, between the tick's live
// batches; no faster than IDEMSCOPE_COLLECTOR_MAX_EVENTS_PER_SECOND (nor, while the store's own
// table is written, IDEMSCOPE_COLLECTOR_BUSY_MAX_EVENTS_PER_SECOND: lib/fold/store-writes.ts),
// halved after a statement timeout, and not at all while the store is under pressure
// (lib/fold/pressure.ts) — recorded, so pages say why. Large batches are much cheaper per
// event (every batch writes each client's rows of the hours it covers, whatever its size:
// docs/performance.md, "How a batch is folded"), at the price of live events waiting up to one
// batch while the history folds.
import type { Pool } from "pg";
import type { Config } from "../core/config";
import type { StoreContext } from "../contract/context";
import { cancelledQueryError } from "../db/cancelled-query";
import { log } from "../core/log";
import { collectHistoryBatch } from "./history";
import { importHistoryBatch } from "./history-import";
import { storePressure } from "./pressure";
import { storeWritesWatcher, writtenTable } from "./store-writes";

const MIN_BATCH = 2_000;
/** A rate-limited batch's width, in seconds of the limit (the next starts that long after it). */
const LIMITED_BATCH_SECONDS = 2;

export type HistoryStep = "more" | "wait" | "done";
const MAX_BATCH = 1_000_000;

export function historyFolder(pool: Pool, cfg: Config) {
  let batchSize = 20_000;
  let notBefore = 0;
  // undefined until this process first looked: a pause another one recorded is then cleared
  let pausedFor: string | null | undefined = undefined;
  let lastLog = 0;

  async function recordPause(ctx: StoreContext<Pool>, reason: string | null) {
    if (reason === pausedFor) return;
    const first = pausedFor === undefined;
    pausedFor = reason;
    if (reason) log.warn({ reason }, "collector: history fold paused, the store is under pressure");
    else if (!first) log.info("collector: history fold resumed");
    await pool.query(
      `UPDATE ${ctx.tables.ownTable("collector_state")}
          SET paused_reason = $1, paused_since = CASE WHEN $1::text IS NULL THEN NULL ELSE now() END
        WHERE id = 1`,
      [reason],
    );
  }

  let pressureCheckedAt = 0;
  let pressure: string | null = null;
  const storeWrites = storeWritesWatcher(pool);
  let storeBusy = false;
  // undefined until this process first recorded it, as pausedFor
  let limitedBy: string | null | undefined = undefined;

  async function recordLimit(ctx: StoreContext<Pool>, reason: string | null) {
    if (reason === limitedBy) return;
    limitedBy = reason;
    if (reason) log.info({ reason }, "collector: history fold rate-limited");
    await pool.query(
      `UPDATE ${ctx.tables.ownTable("collector_state")} SET history_limit_reason = $1 WHERE id = 1`,
      [reason],
    );
  }

  /** The history fold's rate limit now (0: none) and why, for the pages. */
  function currentLimit(
    ctx: StoreContext<Pool>,
    unit = "events",
  ): { limit: number; reason: string | null } {
    const { maxEventsPerSecond: always, busyMaxEventsPerSecond: busy } = cfg.collectorLimits;
    const whileBusy = storeBusy && busy > 0 && (always === 0 || busy < always);
    if (whileBusy)
      return {
        limit: busy,
        reason: `at most ${busy.toLocaleString("en-US")} ${unit}/s while ${writtenTable(ctx.tables).replaceAll('"', "")} is being written, so that its commits do not wait for the fold's WAL (IDEMSCOPE_COLLECTOR_BUSY_MAX_EVENTS_PER_SECOND)`,
      };
    if (always > 0)
      return {
        limit: always,
        reason: `at most ${always.toLocaleString("en-US")} ${unit}/s (IDEMSCOPE_COLLECTOR_MAX_EVENTS_PER_SECOND)`,
      };
    return { limit: 0, reason: null };
  }

  /**
   * Folds one history batch of about `batchMs`: "more" when some is left and it may go on after
   * the next live batches, "wait" when the rate limit or the store's pressure holds it back,
   * "done" when none is left.
   */
  async function fold(ctx: StoreContext<Pool>, batchMs: number): Promise<HistoryStep> {
    const start = Date.now();
    if (start < notBefore) return "wait"; // the rate limit's pause
    if (start - pressureCheckedAt >= 1000) {
      pressureCheckedAt = start;
      pressure = await storePressure(pool, cfg);
      await recordPause(ctx, pressure);
      storeBusy = (await storeWrites(ctx.tables)).busy;
    }
    if (pressure) return "wait";
    const { limit } = currentLimit(ctx);
    const t0 = Date.now();
    // with a rate limit, at most LIMITED_BATCH_SECONDS' worth of events a batch: a batch writes
    // each client's rows of the hours it covers whatever its size, so small batches write far
    // more WAL an event (266 B at half a second's worth, 65 B at full speed: docs/performance.md)
    const width =
      limit > 0
        ? Math.min(batchSize, Math.max(MIN_BATCH, Math.floor(limit * LIMITED_BATCH_SECONDS)))
        : batchSize;
    let progress;
    let unit = "events";
    try {
      progress = await collectHistoryBatch(ctx, { batchSize: width, keep: cfg.retentionDays });
      // a library's table: once captured events are folded, the rows it held before capture
      // (lib/ingest/sources/history-import.ts), under the same limits
      if (progress === null) {
        unit = "rows";
        progress = await importHistoryBatch(ctx, { rows: width, keep: cfg.retentionDays });
      }
    } catch (err) {
      // a batch too large for the collector's statement timeout: smaller ones from now on
      if (cancelledQueryError(err) && batchSize > MIN_BATCH) {
        batchSize = Math.max(MIN_BATCH, Math.floor(batchSize / 2));
        log.warn({ batchSize }, "collector: history batch timed out; smaller batches");
        return "more";
      }
      throw err;
    }
    // recorded once a batch found history to fold: a finished fold says nothing of limits
    const { reason } = currentLimit(ctx, unit);
    await recordLimit(ctx, progress && !progress.finishedAt ? reason : null);
    if (!progress || progress.finishedAt) return "done";
    const took = Math.max(1, Date.now() - t0);
    // the next batch sized to take about batchMs at this batch's pace, growing at most fourfold
    // a batch (the first ones, near the present, are small: the last hour is final in seconds)
    batchSize = Math.min(
      MAX_BATCH,
      4 * batchSize,
      Math.max(MIN_BATCH, Math.round((width * batchMs) / took)),
    );
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      log.info({ done: progress.done, total: progress.total }, "collector: folding history");
    }
    if (limit > 0) {
      // the events this batch read, at the allowed rate, set when the next may start
      notBefore = t0 + (width * 1000) / limit;
      return "wait";
    }
    return "more";
  }

  return {
    fold,
    /** when the rate limit lets the next batch start (0: no limit is holding it back) */
    readyAt: () => notBefore,
  };
}
