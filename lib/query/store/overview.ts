// The Overview's numbers (docs/store-contract.md, "How the numbers are computed"), read from the
// rollups (never a scan of the events table), plus the stuck-key count from the keys table's
// partial index and the stuck chart's samples (./stuck-series.ts).
import "server-only";
import { readSlotStatus } from "../../ingest/sources/slot-status";
import { sourceSummary } from "../../ingest/sources/summary";
import type { Queryable, StoreContext } from "../../contract/context";
import type {
  EndpointActivity,
  LatencyPercentiles,
  Overview,
  OverviewSeriesPoint,
  OverviewUnavailable,
} from "../../client/api-types/overview";
import { RANGE_SECONDS, rangeWindow, type Range, type RangeWindow } from "../../client/range";
import { LATENCY_BOUNDS_MS, percentileFromHistogram } from "../../contract/histograms";
import type { TableNames } from "../../contract/tables";
import { getCollectorStatus } from "./collector-status";
import { publicReason } from "./public-reason";
import { optionalPanel } from "./panel";
import { countStuckKeys } from "./stuck";
import { sharedQuery } from "./shared-cache";
import { listStuckSeries } from "./stuck-series";

const REQUEST_KINDS = ["claimed", "reclaimed", "replayed", "conflict", "mismatch"] as const;
type RequestKind = (typeof REQUEST_KINDS)[number];

/**
 * Totals need no chart buckets: whole days come from day rollups and only the edge before the
 * first whole day from the finer resolution, which reads ~24× fewer rows over a week. Exact:
 * a day row is the sum of its hour and minute rows.
 */
function covering(table: string): string {
  // two index range scans on (resolution, bucket, …): an OR here makes the planner scan it all
  return `(SELECT * FROM ${table} WHERE resolution = 'day' AND bucket >= $3
           UNION ALL
           SELECT * FROM ${table} WHERE resolution = $1 AND bucket >= $2 AND bucket < $3) AS c`;
}

function coveringParams(w: RangeWindow): [string, Date, Date] {
  if (w.resolution === "day") return ["day", w.from, w.from];
  const day = 86_400_000;
  const firstWholeDay = new Date(Math.ceil(w.from.getTime() / day) * day);
  return [w.resolution, w.from, firstWholeDay];
}

type KindRow = { t: Date; endpoint: string; kind: RequestKind; n: number };

async function listRequestCounts(db: Queryable, t: TableNames, w: RangeWindow): Promise<KindRow[]> {
  const r = await db.query<KindRow>(
    `SELECT date_bin(make_interval(secs => $3), bucket, timestamptz '2000-01-01') AS t, endpoint, kind, sum(events)::float8 AS n
       FROM ${t.ownTable("rollup_events")}
      WHERE resolution = $1 AND bucket >= $2 AND kind = ANY($4)
      GROUP BY 1, 2, 3`,
    [w.resolution, w.from, w.bucketSeconds, REQUEST_KINDS],
  );
  return r.rows;
}

async function sumSuccesses(
  db: Queryable,
  t: TableNames,
  w: RangeWindow,
): Promise<{ first: number; dup: number }> {
  const r = await db.query<{ first: number; dup: number }>(
    `SELECT coalesce(sum(first_successes), 0)::float8 AS first, coalesce(sum(duplicate_successes), 0)::float8 AS dup
       FROM ${covering(t.ownTable("rollup_successes"))}`,
    coveringParams(w),
  );
  return r.rows[0] ?? { first: 0, dup: 0 };
}

async function replayLatencyHistogram(
  db: Queryable,
  t: TableNames,
  w: RangeWindow,
): Promise<Map<number, number>> {
  const r = await db.query<{ le: number; n: number }>(
    `SELECT le_index AS le, sum(events)::float8 AS n FROM ${covering(t.ownTable("rollup_latency"))}
      WHERE kind = 'replayed' GROUP BY 1`,
    coveringParams(w),
  );
  return new Map(r.rows.map((row) => [row.le, row.n]));
}

/** Claim latency histograms per endpoint: only the reference writer times its claims. */
async function claimLatencyHistograms(
  db: Queryable,
  t: TableNames,
  w: RangeWindow,
): Promise<Map<string, Map<number, number>>> {
  const r = await db.query<{ endpoint: string; le: number; n: number }>(
    `SELECT endpoint, le_index AS le, sum(events)::float8 AS n FROM ${covering(t.ownTable("rollup_latency"))}
      WHERE kind = 'claimed' GROUP BY 1, 2`,
    coveringParams(w),
  );
  const byEndpoint = new Map<string, Map<number, number>>();
  for (const row of r.rows) {
    const h = byEndpoint.get(row.endpoint) ?? new Map<number, number>();
    byEndpoint.set(row.endpoint, h.set(row.le, row.n));
  }
  return byEndpoint;
}

const percentiles = (h: Map<number, number>): LatencyPercentiles => ({
  p50: percentileFromHistogram(h, LATENCY_BOUNDS_MS, 0.5),
  p95: percentileFromHistogram(h, LATENCY_BOUNDS_MS, 0.95),
  p99: percentileFromHistogram(h, LATENCY_BOUNDS_MS, 0.99),
});

const emptyPoint = (t: string): OverviewSeriesPoint => ({
  t,
  claimed: 0,
  reclaimed: 0,
  replayed: 0,
  conflict: 0,
  mismatch: 0,
});

/**
 * Every chart bucket of the range present (zeros where nothing happened), up to the last one
 * that ended before `completeUntil` (the collector's last catch-up): a bucket still filling
 * would look like a drop in traffic.
 */
export function fillBuckets(
  rows: OverviewSeriesPoint[],
  seconds: number,
  bucket: number,
  now = Date.now(),
  completeUntil = now,
): OverviewSeriesPoint[] {
  const byTime = new Map(rows.map((r) => [Date.parse(r.t), r]));
  const step = bucket * 1000;
  const epoch = Date.parse("2000-01-01T00:00:00Z");
  const currentBucket = epoch + Math.floor((now - epoch) / step) * step;
  const first = epoch + Math.ceil((now - seconds * 1000 - epoch) / step) * step;
  const points: OverviewSeriesPoint[] = [];
  for (let ts = first; ts < currentBucket && ts + step <= completeUntil; ts += step) {
    points.push(byTime.get(ts) ?? emptyPoint(new Date(ts).toISOString()));
  }
  return points;
}

function summarize(rows: KindRow[]) {
  const totals: Record<RequestKind, number> = {
    claimed: 0,
    reclaimed: 0,
    replayed: 0,
    conflict: 0,
    mismatch: 0,
  };
  const byBucket = new Map<string, OverviewSeriesPoint>();
  const byEndpoint = new Map<string, EndpointActivity>();
  for (const row of rows) {
    totals[row.kind] += row.n;
    const t = row.t.toISOString();
    const point = byBucket.get(t) ?? emptyPoint(t);
    point[row.kind] += row.n;
    byBucket.set(t, point);
    const e = byEndpoint.get(row.endpoint) ?? {
      endpoint: row.endpoint,
      requests: 0,
      replayed: 0,
      conflicts: 0,
      mismatches: 0,
      claimLatencyMs: null,
    };
    e.requests += row.n;
    if (row.kind === "replayed") e.replayed += row.n;
    if (row.kind === "conflict") e.conflicts += row.n;
    if (row.kind === "mismatch") e.mismatches += row.n;
    byEndpoint.set(row.endpoint, e);
  }
  const busiest = [...byEndpoint.values()]
    .sort((a, b) => b.requests - a.requests || a.endpoint.localeCompare(b.endpoint))
    .slice(0, 8);
  return { totals, series: [...byBucket.values()], busiest };
}

/**
 * The Overview's numbers. `withStuckSeries: false` leaves out the stuck-keys chart (null), which
 * the page streams as a panel of its own (getStuckSeriesPanel) so that its table's lock or
 * slowness never holds back the first paint of the rest.
 */
export async function getOverview(
  ctx: StoreContext,
  range: Range,
  options: { withStuckSeries?: boolean } = {},
): Promise<Overview> {
  const { db, tables: t } = ctx;
  const now = Date.now();
  const w = rangeWindow(range, now);
  // request counts and the collector's state make the page; the rest may time out alone
  const unavailable: OverviewUnavailable = {};
  const [rows, collector, successes, latency, claims, stuckKeys, stuckSeries, captureSlot] =
    await Promise.all([
      listRequestCounts(db, t, w),
      getCollectorStatus(ctx),
      optionalPanel(unavailable, "successes", sumSuccesses(db, t, w)),
      optionalPanel(unavailable, "replayLatency", replayLatencyHistogram(db, t, w)),
      optionalPanel(unavailable, "claimLatency", claimLatencyHistograms(db, t, w)),
      // spans alone cannot see a key's state: no count, and the source says why (notCaptured.store)
      t.source.capture.readsStore
        ? optionalPanel(unavailable, "stuckKeys", countStuckKeys(ctx))
        : null,
      options.withStuckSeries === false || !t.source.capture.readsStore
        ? null
        : optionalPanel(unavailable, "stuckSeries", listStuckSeries(db, t, w, now)),
      optionalPanel(
        unavailable,
        "captureSlot",
        readSlotStatus(ctx).then(
          (slot) =>
            slot && {
              ...slot,
              lastError: slot.lastError && {
                ...slot.lastError,
                message: publicReason(slot.lastError.message),
              },
            },
        ),
      ),
    ]);
  const { totals, series, busiest } = summarize(rows);
  for (const e of busiest) {
    const h = claims?.get(e.endpoint);
    if (h) e.claimLatencyMs = percentiles(h);
  }
  const requests = REQUEST_KINDS.reduce((s, k) => s + totals[k], 0);
  const minutes = Math.max(1, (now - w.from.getTime()) / 60_000);
  const histogram = latency ?? new Map<number, number>();
  const source = sourceSummary(ctx);
  const blind = source.notCaptured;
  return {
    range,
    generatedAt: new Date(now).toISOString(),
    from: w.from.toISOString(),
    collector,
    requests,
    requestsPerMinute: requests / minutes,
    replayed: blind.replays ? null : totals.replayed,
    replayRatio: requests && !blind.replays ? totals.replayed / requests : null,
    duplicateSuccesses: successes?.dup ?? null,
    succeededIntents: successes?.first ?? null,
    duplicateSuccessRate: successes?.first ? successes.dup / successes.first : null,
    conflicts: blind.conflicts ? null : totals.conflict,
    mismatches: blind.mismatches ? null : totals.mismatch,
    stuckKeys,
    replayLatencyMs: percentiles(histogram),
    bucketSeconds: w.bucketSeconds,
    series: fillBuckets(
      series,
      RANGE_SECONDS[range],
      w.bucketSeconds,
      now,
      collector.lagSeconds === null ? now : now - collector.lagSeconds * 1000,
    ),
    busiestEndpoints: busiest,
    stuckSeries,
    source,
    captureSlot,
    unavailable,
  };
}

/** getOverview shared by every viewer of the same range within the cache TTL. */
export function getSharedOverview(
  ctx: StoreContext,
  range: Range,
  options: { withStuckSeries?: boolean } = {},
): Promise<Overview> {
  const whole = options.withStuckSeries !== false;
  return sharedQuery(`overview:${range}:${whole ? "all" : "core"}`, ctx.config.cacheTtlMs, () =>
    getOverview(ctx, range, options),
  );
}
