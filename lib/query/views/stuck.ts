// The Stuck keys view: its API parameters and its loader (page prefetch and API route alike).
import "server-only";
import { z } from "zod";
import { STUCK_ORDERS, type StuckKeysPage } from "../../client/api-types/stuck";
import { decodeCursor, timeIdCursor } from "../../core/cursor";
import type { StoreContext } from "../../contract/context";
import { sharedQuery } from "../store/shared-cache";
import { listStuckKeys } from "../store/stuck";

const text = z.string().trim().min(1).max(255);
export const stuckQuerySchema = z.strictObject({
  endpoint: text.optional(),
  scope: text.optional(),
  lockOwner: text.optional(),
  minAgeSeconds: z.coerce.number().int().min(0).max(315_360_000).optional(),
  order: z.enum(STUCK_ORDERS).default("oldest"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});
export type StuckViewQuery = z.infer<typeof stuckQuerySchema>;
const cursorSchema = timeIdCursor("since");

export function loadStuckKeys(ctx: StoreContext, q: StuckViewQuery): Promise<StuckKeysPage> {
  const cursor = q.cursor ? decodeCursor(q.cursor, cursorSchema) : undefined;
  // many viewers polling the same list cost one query per refresh interval
  return sharedQuery(`stuck:${JSON.stringify(q)}`, ctx.config.cacheTtlMs, () =>
    listStuckKeys(ctx, q, { limit: q.limit, cursor, order: q.order }),
  );
}
