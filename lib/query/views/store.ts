// The Store view: its API parameters and its loader.
import "server-only";
import { z } from "zod";
import { STORE_RANGES, type StoreReport } from "../../client/api-types/store";
import type { StoreContext } from "../../contract/context";
import { sharedQuery } from "../store/shared-cache";
import { getStoreReport } from "../store/store-report";

export const storeQuerySchema = z.strictObject({
  range: z
    .enum(STORE_RANGES, {
      error: "store growth is sampled over days: range must be 7d, 30d or 90d",
    })
    .default("30d"),
});
export type StoreViewQuery = z.infer<typeof storeQuerySchema>;

export function loadStoreReport(ctx: StoreContext, q: StoreViewQuery): Promise<StoreReport> {
  return sharedQuery(`store:${q.range}`, ctx.config.cacheTtlMs, () => getStoreReport(ctx, q.range));
}
