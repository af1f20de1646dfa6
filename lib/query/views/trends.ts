// The Trends view: its API parameters and its loader.
import { storeSizeNames } from "../../fold/size-sampler";
import "server-only";
import { z } from "zod";
import { TREND_RANGES, type Trends } from "../../client/api-types/trends";
import type { StoreContext } from "../../contract/context";
import { sharedQuery } from "../store/shared-cache";
import { getTrends } from "../store/trends";

export const trendsQuerySchema = z.strictObject({
  range: z
    .enum(TREND_RANGES, { error: "trends are daily: range must be 7d, 30d or 90d" })
    .default("30d"),
});
export type TrendsViewQuery = z.infer<typeof trendsQuerySchema>;

export function loadTrends(ctx: StoreContext, q: TrendsViewQuery): Promise<Trends> {
  return sharedQuery(`trends:${q.range}`, ctx.config.cacheTtlMs, () =>
    getTrends(ctx, q.range, Object.values(storeSizeNames(ctx))),
  );
}
