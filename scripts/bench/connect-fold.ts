// Connecting to a large store (docs/performance.md, "Connecting to a large store"): the rollups
// emptied, the real collector starts and folds the history newest first while the reference
// writer keeps serving requests. Measured: when the last hour, the last day and everything are
// folded, the events per second, and the writer's latency before and during the fold.
import os from "node:os";
import type { Pool } from "pg";
import { config, type Config } from "../../lib/core/config";
import { contextOf } from "../../lib/contract/context";
import { startCollector } from "../../lib/fold/collector";
import { FOLDED_TABLES } from "../../lib/contract/schema/rollups";
import { getFoldStatus } from "../../lib/query/store/fold-status";
import type { TableNames } from "../../lib/contract/tables";
import { requestFingerprint } from "../../lib/ingest/writer/fingerprint";
import { handleIdempotent } from "../../lib/ingest/writer/idempotent-handler";
import { timingOf, type Timing } from "./timing";

export type ConnectFold = {
  events: number;
  /** seconds after the collector started until everything since that long ago was folded */
  lastHourSeconds: number | null;
  lastDaySeconds: number | null;
  allSeconds: number;
  eventsPerSecond: number;
  writer: { before: Timing; during: Timing; rate: number };
  /** a `SELECT 1` every 20 ms on its own connection: no WAL, so what it loses is CPU time */
  select1: { before: Timing; during: Timing };
  /** the rate limit the collector said it kept to during the fold (the last one), and how long */
  limited: { reason: string; seconds: number } | null;
  /** how long the writer's events waited to be folded live while the history folded (s) */
  liveLag: Timing;
  /** seconds the collector then took to rebuild the indexes the fold filled (null: not waited for) */
  rebuildSeconds: number | null;
  /** seconds waited before measuring, for the store to be quiet (no autovacuum running) */
  quietSeconds: number;
  /** the WAL written while the history folded (the writer's included, a small part) */
  wal: { bytesPerEvent: number; fullPagesPerThousandEvents: number; buffersFull: number };
};

/** Lowers the CPU priority of the collector's backends not lowered yet (they are this machine's). */
async function reniceCollector(pool: Pool, done: Set<number>): Promise<void> {
  const r = await pool.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE application_name LIKE 'idemscope-collector%'`,
  );
  for (const { pid } of r.rows) {
    if (done.has(pid)) continue;
    done.add(pid);
    try {
      os.setPriority(pid, 19);
    } catch {
      // gone meanwhile
    }
  }
}

/** `SELECT 1` round trips, one every 20 ms, until `stop()`. */
function select1Load(pool: Pool) {
  const ms: number[] = [];
  let stopped = false;
  const loop = (async () => {
    const client = await pool.connect();
    try {
      while (!stopped) {
        const t0 = performance.now();
        await client.query("SELECT 1");
        ms.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      client.release();
    }
  })();
  return {
    stop: async (): Promise<Timing> => {
      stopped = true;
      await loop;
      return timingOf(ms);
    },
  };
}

type WalStats = { bytes: number; fpi: number; buffersFull: number };
const walStats = async (pool: Pool): Promise<WalStats> =>
  (
    await pool.query<WalStats>(
      `SELECT wal_bytes::float8 AS bytes, wal_fpi::float8 AS fpi,
              wal_buffers_full::float8 AS "buffersFull" FROM pg_stat_wal`,
    )
  ).rows[0]!;

/**
 * Waits until no autovacuum worker runs (at most ten minutes), then checkpoints: the writer's
 * "before" is then the store at rest, not one still vacuuming what the last run wrote (two runs
 * in a row once read 10.3 and 82.7 ms p95 before any fold).
 */
async function quietStore(pool: Pool): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < 10 * 60_000) {
    const r = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`,
    );
    if (r.rows[0]!.n === 0) break;
    await new Promise((res) => setTimeout(res, 1000));
  }
  await pool.query("CHECKPOINT");
  return (Date.now() - t0) / 1000;
}

/** The reference writer at `rate` requests/s until `stop()`; latencies of its requests. */
function writerLoad(pool: Pool, t: TableNames, rate: number) {
  const ms: number[] = [];
  let stopped = false;
  let n = 0;
  const loop = (async () => {
    const started = performance.now();
    const inFlight = new Set<Promise<void>>();
    while (!stopped) {
      const due = Math.floor(((performance.now() - started) / 1000) * rate);
      while (n < due && inFlight.size < 32) {
        const i = n++;
        const endpoint = "POST /v1/payments";
        const t0 = performance.now();
        const p = handleIdempotent(
          pool,
          t,
          {
            scope: `bench-writer-${i % 50}`,
            endpoint,
            key: `connect-${Date.now()}-${i}`,
            requestHash: requestFingerprint("POST", endpoint, { i }),
            instance: "bench",
          },
          { lockTimeoutSeconds: 300, ttlSeconds: 86_400 },
          async () => ({ status: 201, body: { ok: true } }),
        ).then(() => void ms.push(performance.now() - t0));
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(inFlight);
  })();
  return {
    stop: async (): Promise<Timing> => {
      stopped = true;
      await loop;
      return timingOf(ms);
    },
  };
}

export async function measureConnectFold(
  pool: Pool,
  databaseUrl: string,
  t: TableNames,
  o: {
    writerRate?: number;
    log?: (m: string) => void;
    /** the collector's history rate limit (IDEMSCOPE_COLLECTOR_MAX_EVENTS_PER_SECOND) */
    maxEventsPerSecond?: number;
    /** stop after this long (the history is then only partly folded) */
    seconds?: number;
    /**
     * a diagnostic, not a setting: the collector's backends at the lowest CPU priority (nice 19;
     * the server must be this machine's), so that the writer gets a core whenever it wants one,
     * as on a primary with a spare core: what is left of its slowdown is then not CPU
     */
    niceCollector?: boolean;
  } = {},
): Promise<ConnectFold> {
  const given: Config = config();
  const cfg: Config =
    o.maxEventsPerSecond === undefined
      ? given
      : {
          ...given,
          collectorLimits: { ...given.collectorLimits, maxEventsPerSecond: o.maxEventsPerSecond },
        };
  const rate = o.writerRate ?? 200;
  for (const table of FOLDED_TABLES) await pool.query(`TRUNCATE ${t.ownTable(table)}`);
  await pool.query(
    `UPDATE ${t.ownTable("collector_state")}
        SET watermark = 0, events_total = 0, batches_total = 0, history_hi = NULL, history_lo = NULL,
            history_total = NULL, history_done = 0, history_started_at = NULL,
            history_finished_at = NULL, history_complete_from = NULL, history_compacted_at = NULL,
            paused_reason = NULL, history_limit_reason = NULL
      WHERE id = 1`,
  );
  const quietSeconds = await quietStore(pool);
  // the writer's first seconds after a restart or a checkpoint read its pages in (its p95 over
  // 15 s alone measured 7–19 ms run to run): 30 s unmeasured, then 60 s measured (no writer: an
  // idle store, where the fold goes at full speed)
  const warmUp = writerLoad(pool, t, rate);
  if (rate > 0) await new Promise((r) => setTimeout(r, 30_000));
  await warmUp.stop();
  const before = writerLoad(pool, t, rate);
  const select1Before = select1Load(pool);
  await new Promise((r) => setTimeout(r, rate > 0 ? 60_000 : 5_000));
  const beforeTiming = await before.stop();
  const select1BeforeTiming = await select1Before.stop();

  const during = writerLoad(pool, t, rate);
  const select1During = select1Load(pool);
  const wal0 = await walStats(pool);
  const t0 = Date.now();
  const collector = startCollector({ databaseUrl, cfg });
  const ctx = contextOf(pool, t, cfg);
  let lastHour: number | null = null;
  let lastDay: number | null = null;
  let lastLog = 0;
  const lags: number[] = [];
  const reniced = new Set<number>();
  let limited: string | null = null;
  let limitedSamples = 0; // of the status read every 250 ms
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    if (o.niceCollector) await reniceCollector(pool, reniced);
    const s = await getFoldStatus(ctx);
    const h = s.history;
    if (!h) continue;
    if (s.limited) {
      limited = s.limited;
      limitedSamples += 1;
    }
    // the oldest of the writer's events the live fold has not folded yet: how long it waited
    const lag = await pool.query<{ s: number }>(
      `SELECT coalesce((SELECT extract(epoch FROM now() - e.at)::float8 FROM ${t.events} e
                         WHERE e.id > (SELECT watermark FROM ${t.ownTable("collector_state")} WHERE id = 1)
                         ORDER BY e.id LIMIT 1), 0) AS s`,
    );
    if (!h.finishedAt) lags.push(lag.rows[0]!.s * 1000);
    const elapsed = (Date.now() - t0) / 1000;
    const from = h.completeFrom ? Date.parse(h.completeFrom) : h.finishedAt ? 0 : Infinity;
    if (lastHour === null && from <= Date.now() - 3600_000) lastHour = elapsed;
    if (lastDay === null && from <= Date.now() - 86_400_000) lastDay = elapsed;
    if (Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      o.log?.(
        `  history ${h.done.toLocaleString("en-US")} / ${h.total.toLocaleString("en-US")} after ${elapsed.toFixed(0)} s`,
      );
    }
    if (h.finishedAt || (o.seconds !== undefined && elapsed >= o.seconds)) break;
  }
  const allSeconds = (Date.now() - t0) / 1000;
  const duringTiming = await during.stop();
  const select1DuringTiming = await select1During.stop();
  const wal1 = await walStats(pool);
  // the footprint is measured after the rebuild the collector starts once the fold ended
  let rebuildSeconds: number | null = null;
  if (o.seconds === undefined && cfg.collectorLimits.rebuildIndexesAfterHistory) {
    const r0 = Date.now();
    while (!(await getFoldStatus(ctx)).indexesRebuiltAt && Date.now() - r0 < 30 * 60_000)
      await new Promise((res) => setTimeout(res, 250));
    rebuildSeconds = (Date.now() - r0) / 1000;
  }
  await collector.stop();
  const done = (await getFoldStatus(ctx)).history!.done;
  return {
    events: done,
    lastHourSeconds: lastHour,
    lastDaySeconds: lastDay,
    allSeconds,
    eventsPerSecond: done / allSeconds,
    writer: { before: beforeTiming, during: duringTiming, rate },
    select1: { before: select1BeforeTiming, during: select1DuringTiming },
    liveLag: timingOf(lags),
    limited: limited ? { reason: limited, seconds: limitedSamples / 4 } : null,
    rebuildSeconds,
    quietSeconds,
    wal: {
      bytesPerEvent: (wal1.bytes - wal0.bytes) / Math.max(1, done),
      fullPagesPerThousandEvents: ((wal1.fpi - wal0.fpi) * 1000) / Math.max(1, done),
      buffersFull: wal1.buffersFull - wal0.buffersFull,
    },
  };
}
