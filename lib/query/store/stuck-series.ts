// The stuck-keys chart: the collector's samples of the stuck count (lib/fold/stuck-sampler.ts),
// the highest per chart bucket, for the Overview and for the chart's own refresh.
import "server-only";
import type { Queryable, StoreContext } from "../../contract/context";
import type {
  OverviewUnavailable,
  StuckPoint,
  StuckSeriesPanel,
} from "../../client/api-types/overview";
import type { TableNames } from "../../contract/tables";
import { NOT_VISIBLE_WITHOUT_STORE } from "../../contract/preset-spans-only";
import { rangeWindow, type Range, type RangeWindow } from "../../client/range";
import { optionalPanel } from "./panel";

/** Highest stuck count sampled per chart bucket; null where the collector took no sample. */
export async function listStuckSeries(
  db: Queryable,
  t: TableNames,
  w: RangeWindow,
  now: number,
): Promise<StuckPoint[]> {
  const r = await db.query<{ t: Date; stuck: number }>(
    `SELECT date_bin(make_interval(secs => $3), bucket, timestamptz '2000-01-01') AS t, max(stuck)::int AS stuck
       FROM ${t.ownTable("stuck_samples")}
      WHERE resolution = $1 AND bucket >= $2 AND endpoint = '*'
      GROUP BY 1`,
    [w.resolution, w.from, w.bucketSeconds],
  );
  const byTime = new Map(r.rows.map((row) => [row.t.getTime(), row.stuck]));
  const step = w.bucketSeconds * 1000;
  const points: StuckPoint[] = [];
  const epoch = Date.parse("2000-01-01T00:00:00Z"); // date_bin's origin above
  const first = epoch + Math.ceil((w.from.getTime() - epoch) / step) * step;
  for (let ts = first; ts <= now; ts += step) {
    points.push({ t: new Date(ts).toISOString(), stuck: byTime.get(ts) ?? null });
  }
  return points;
}

/** The stuck-keys chart alone: its samples, or null with the reason its query was cancelled. */
export async function getStuckSeriesPanel(
  ctx: StoreContext,
  range: Range,
): Promise<StuckSeriesPanel> {
  const now = Date.now();
  const w = rangeWindow(range, now);
  if (!ctx.tables.source.capture.readsStore)
    return {
      range,
      bucketSeconds: w.bucketSeconds,
      stuckSeries: null,
      unavailable: null,
      notCaptured: NOT_VISIBLE_WITHOUT_STORE,
    };
  const unavailable: OverviewUnavailable = {};
  const stuckSeries = await optionalPanel(
    unavailable,
    "stuckSeries",
    listStuckSeries(ctx.db, ctx.tables, w, now),
  );
  return {
    range,
    bucketSeconds: w.bucketSeconds,
    stuckSeries,
    unavailable: unavailable.stuckSeries ?? null,
    notCaptured: null,
  };
}
