// The collector: runs in every dashboard replica (or as `npm run collector`); the one holding
// the advisory lock folds new events into the rollups every second (four times a second while
// events keep arriving), samples the store size every minute, the stuck-key count every 15 s,
// the Clients page's snapshots every 15 s (each range when due) and applies retention every ten
// minutes. The others wait to take over.
import { hostname } from "node:os";
import type { Pool } from "pg";
import type { Config } from "../core/config";
import type { StoreContext } from "../contract/context";
import { log } from "../core/log";
import { createPool } from "../db/pool";
import { activeSource } from "../contract/source-binding";
import { tableNamesFor, type TableNames } from "../contract/tables";
import { historyIndexRebuilder } from "./compact-indexes";
import { historyFolder } from "./history-folder";
import { ensureIntentMemory } from "./intent-memory";
import { beginHistoryIfNew } from "./history";
import { collectBatch } from "./collect-batch";
import { tryLead, type Leadership } from "./leader";
import { logicalStream } from "./logical-stream";
import { PERIODIC_JOBS, type JobPeriods } from "./pipeline";

export type CollectorOptions = JobPeriods & {
  databaseUrl: string;
  cfg: Config;
  tickMs?: number;
  /** batches per tick at most, so that a huge backlog doesn't starve the event loop */
  maxBatchesPerTick?: number;
  batchSize?: number;
  /** how long a history batch may take (default IDEMSCOPE_COLLECTOR_HISTORY_BATCH_MS) */
  historyBatchMs?: number;
};

export type Collector = {
  isLeader: () => boolean;
  stop: () => Promise<void>;
  /** resolves once the collector has caught up with what is committed now, history included */
  drain: () => Promise<void>;
};

/** The tick while events keep arriving. */
const BUSY_TICK_MS = 250;

export function startCollector(o: CollectorOptions): Collector {
  // its statements have a timeout of their own: a fold never holds the store's locks for long
  const pool: Pool = createPool(o.databaseUrl, {
    max: 2,
    applicationName: "idemscope-collector",
    statementTimeoutMs: o.cfg.collectorLimits.statementTimeoutMs,
    // a batch's temp tables (tens of MB for a large history batch) stay in memory: with the
    // default 8 MB every statement over them read and wrote temp files
    settings: { temp_buffers: "128MB" },
  });
  // the connected source the tables were named for (null: the contract's own tables); it can
  // change while running (npm run connect), so every tick compares it with the active one
  let connected = activeSource();
  let t: TableNames = tableNamesFor(o.cfg, connected);
  let ctx: StoreContext<Pool> = { db: pool, tables: t, config: o.cfg };
  const instance = `${hostname()}:${process.pid}`;
  const tickMs = o.tickMs ?? 1000;
  let leadership: Leadership | null = null;
  let stopped = false;
  // when each periodic job last ran (lib/fold/pipeline.ts, PERIODIC_JOBS)
  const lastRun = new Map<string, number>();
  // drain() waiters, resolved by the first catch-up of a tick that started after they asked
  let caughtUpWaiters: { after: number; resolve: () => void }[] = [];
  let ticksStarted = 0;
  let timer: NodeJS.Timeout | undefined;
  const history = historyFolder(pool, o.cfg);
  // the history fold's indexes, rebuilt in the background once it finished
  const rebuilder = historyIndexRebuilder(pool, o.cfg);
  let historyLeft = false;
  // events arrived since the last tick: the next comes sooner (a busy store's lag is then a
  // quarter of a tick, an idle one costs one batch a tick)
  let liveBusy = false;
  // logical capture's stream: the leader reads the slot (lib/fold/logical-stream.ts)
  const stream = logicalStream(o.databaseUrl, o.cfg);

  async function lead(): Promise<boolean> {
    if (leadership?.isHeld()) return true;
    leadership = await tryLead(o.databaseUrl, o.cfg.idemscopeSchema, t.ownTable);
    // stopped while electing: a lock won now would be held by nobody, for ever
    if (stopped && leadership) {
      await leadership.release();
      leadership = null;
    }
    if (leadership) {
      log.info({ instance }, "collector: this replica is the leader");
      await pool
        .query(`UPDATE ${t.ownTable("collector_state")} SET leader = $1 WHERE id = 1`, [instance])
        .catch(() => undefined);
    }
    return leadership !== null;
  }

  // A store without the events table has nothing to fold (docs/store-contract.md); checked once a minute.
  let eventsChecked = { at: 0, exists: true };
  async function eventsTableExists(): Promise<boolean> {
    if (Date.now() - eventsChecked.at < 60_000) return eventsChecked.exists;
    const r = await pool.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [
      t.events,
    ]);
    const exists = r.rows[0]?.ok ?? false;
    if (!exists && eventsChecked.exists)
      log.warn({ table: t.events }, "collector: the store has no events table; nothing to fold");
    eventsChecked = { at: Date.now(), exists };
    return exists;
  }

  async function tick() {
    const seq = ++ticksStarted;
    const source = activeSource();
    if (source !== connected) {
      connected = source;
      t = tableNamesFor(o.cfg, source);
      ctx = { db: pool, tables: t, config: o.cfg };
      eventsChecked = { at: 0, exists: true };
    }
    if (!(await lead())) {
      await stream.stop();
      return;
    }
    try {
      await stream.keep(t);
      const events = await eventsTableExists();
      if (!events) {
        for (const w of caughtUpWaiters.splice(0)) w.resolve(); // nothing to wait for
        // the heartbeat /api/metrics reports (collector down or lagging otherwise)
        await pool.query(
          `UPDATE ${t.ownTable("collector_state")} SET last_run_at = now(), last_caught_up_at = now() WHERE id = 1`,
        );
      }
      if (events) {
        // after a crash or a failover (the memory is unlogged), before any batch
        await ensureIntentMemory(ctx, o.cfg.retentionDays.intents);
        await beginHistoryIfNew(ctx);
      }
      let caughtUp = false;
      liveBusy = false;
      for (let i = 0; events && i < (o.maxBatchesPerTick ?? 20) && !stopped; i++) {
        const r = await collectBatch(ctx, {
          batchSize: o.batchSize,
          retentionDays: o.cfg.retentionDays,
        });
        if (r.events + r.recovered > 0) liveBusy = true;
        if (r.caughtUp) {
          caughtUp = true;
          break;
        }
      }
      // the store's history, newest first, in what is left of this tick
      const step =
        events && caughtUp
          ? await history.fold(ctx, o.historyBatchMs ?? o.cfg.collectorLimits.historyBatchMs)
          : "done";
      historyLeft = step === "more";
      if (step !== "done") rebuilder.historyActive();
      else if (events) rebuilder.historyDone(t);
      if (caughtUp && step === "done") {
        const ready = caughtUpWaiters.filter((w) => w.after < seq);
        caughtUpWaiters = caughtUpWaiters.filter((w) => w.after >= seq);
        for (const w of ready) w.resolve();
      }
      const now = Date.now();
      for (const job of PERIODIC_JOBS)
        if (now - (lastRun.get(job.name) ?? 0) >= job.everyMs(o)) {
          lastRun.set(job.name, now);
          await job.run(ctx);
        }
    } catch (err) {
      const message = (err as Error).message;
      log.warn({ err: message }, "collector: batch failed; retrying next tick");
      await pool
        .query(
          `UPDATE ${t.ownTable("collector_state")} SET errors_total = errors_total + 1, last_error = $1 WHERE id = 1`,
          [message],
        )
        .catch(() => undefined);
    }
  }

  function schedule() {
    if (stopped) return;
    // while history is left, the next tick comes at once: its live batches run between two
    // history batches, and waiting a whole tick between them would slow the fold
    let delay = historyLeft ? 20 : liveBusy ? Math.min(tickMs, BUSY_TICK_MS) : tickMs;
    // a rate-limited history fold goes on when its limit allows, not a whole tick later (it
    // would otherwise fold well below the configured rate)
    const ready = history.readyAt() - Date.now();
    if (ready > 0) delay = Math.max(20, Math.min(delay, ready));
    timer = setTimeout(() => {
      tick().finally(schedule);
    }, delay);
    timer.unref?.();
  }
  void tick().finally(schedule);

  return {
    isLeader: () => leadership?.isHeld() ?? false,
    drain: () =>
      new Promise<void>((resolve) => caughtUpWaiters.push({ after: ticksStarted, resolve })),
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await stream.stop();
      await rebuilder.stop();
      await leadership?.release();
      await pool.end().catch(() => undefined);
    },
  };
}
