// The Overview view: its API parameters and its loaders. The stuck-keys chart has a loader of its
// own: the page streams it under its own Suspense boundary, and the client polls it apart.
import "server-only";
import type { RightNow } from "../../client/api-types/right-now";
import { getRightNow } from "../store/right-now";
import { z } from "zod";
import type { Overview, StuckSeriesPanel } from "../../client/api-types/overview";
import type { RecentErrors } from "../../client/api-types/recent-errors";
import type { HotKeys } from "../../client/api-types/hot-keys";
import { listHotKeys } from "../store/hot-keys";
import { ERROR_KINDS, RECENT_ERRORS_KEPT } from "../../fold/fold-recent-errors";
import { listRecentErrors } from "../store/recent-errors";
import type { StoreContext } from "../../contract/context";
import { rangeSchema } from "../../client/range";
import { getSharedOverview } from "../store/overview";
import { getStuckSeriesPanel } from "../store/stuck-series";
import { sharedQuery } from "../store/shared-cache";

export const overviewQuerySchema = z.strictObject({
  range: rangeSchema.default("15m"),
  /** the page asks without the chart it streams apart; the JSON API has everything by default */
  omit: z.enum(["stuckSeries"], { error: 'omit must be "stuckSeries"' }).optional(),
});
export type OverviewViewQuery = z.infer<typeof overviewQuerySchema>;

export const stuckSeriesQuerySchema = z.strictObject({ range: rangeSchema.default("15m") });
export type StuckSeriesViewQuery = z.infer<typeof stuckSeriesQuerySchema>;

export function loadOverview(ctx: StoreContext, q: OverviewViewQuery): Promise<Overview> {
  return getSharedOverview(ctx, q.range, { withStuckSeries: q.omit !== "stuckSeries" });
}

export function loadStuckSeries(
  ctx: StoreContext,
  q: StuckSeriesViewQuery,
): Promise<StuckSeriesPanel> {
  return sharedQuery(`overview-stuck:${q.range}`, ctx.config.cacheTtlMs, () =>
    getStuckSeriesPanel(ctx, q.range),
  );
}

export const recentErrorsQuerySchema = z.strictObject({
  kind: z
    .enum(["all", ...ERROR_KINDS], {
      error: `kind must be one of all, ${ERROR_KINDS.join(", ")}`,
    })
    .default("all"),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(RECENT_ERRORS_KEPT, `limit must be at most ${RECENT_ERRORS_KEPT}`)
    .default(25),
});
export type RecentErrorsViewQuery = z.infer<typeof recentErrorsQuerySchema>;

export function loadRecentErrors(
  ctx: StoreContext,
  q: RecentErrorsViewQuery,
): Promise<RecentErrors> {
  return sharedQuery(`overview-errors:${q.kind}:${q.limit}`, ctx.config.cacheTtlMs, () =>
    listRecentErrors(ctx, q),
  );
}

export const hotKeysQuerySchema = z.strictObject({
  range: rangeSchema.default("15m"),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(100, "limit must be at most 100")
    .default(10),
});
export type HotKeysViewQuery = z.infer<typeof hotKeysQuerySchema>;

export function loadHotKeys(ctx: StoreContext, q: HotKeysViewQuery): Promise<HotKeys> {
  return sharedQuery(`overview-hot:${q.range}:${q.limit}`, ctx.config.cacheTtlMs, () =>
    listHotKeys(ctx, q),
  );
}

/** The "right now" strip, shared by every viewer within the cache TTL. */
export function loadRightNow(ctx: StoreContext): Promise<RightNow> {
  return sharedQuery("overview-now", ctx.config.cacheTtlMs, () => getRightNow(ctx));
}
