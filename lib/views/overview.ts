// The Overview view: its API parameters and its loader.
import "server-only";
import { z } from "zod";
import type { Overview } from "../api-types/overview";
import type { StoreContext } from "../db/context";
import { rangeSchema } from "../range";
import { getSharedOverview } from "../store/overview";

export const overviewQuerySchema = z.strictObject({ range: rangeSchema.default("15m") });
export type OverviewViewQuery = z.infer<typeof overviewQuerySchema>;

export function loadOverview(ctx: StoreContext, q: OverviewViewQuery): Promise<Overview> {
  return getSharedOverview(ctx, q.range);
}
