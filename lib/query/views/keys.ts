// The key views (search, recent duplicates, one key's lifecycle): their loaders.
import "server-only";
import type { z } from "zod";
import type { KeyLifecycle, KeySearchPage, RecentDuplicate } from "../../client/api-types/keys";
import { decodeCursor } from "../../core/cursor";
import type { StoreContext } from "../../contract/context";
import { keySearchCursor, keySearchQuery } from "../params/key-search-schemas";
import { listRecentDuplicates } from "../store/duplicates";
import { searchKeys } from "../store/key-search";
import { getKeyLifecycle, type IntentRef } from "../store/lifecycle";
import { sharedQuery } from "../store/shared-cache";

export { intentQuery, keySearchQuery } from "../params/key-search-schemas";
export type KeySearchViewQuery = z.infer<typeof keySearchQuery>;

export function loadKeySearch(ctx: StoreContext, q: KeySearchViewQuery): Promise<KeySearchPage> {
  const cursor = q.cursor ? decodeCursor(q.cursor, keySearchCursor) : undefined;
  return searchKeys(ctx, q, { limit: q.limit, cursor });
}

export function loadRecentDuplicates(ctx: StoreContext, limit: number): Promise<RecentDuplicate[]> {
  return sharedQuery(`duplicates:${limit}`, ctx.config.cacheTtlMs, () =>
    listRecentDuplicates(ctx, limit),
  );
}

export function loadKeyLifecycle(ctx: StoreContext, ref: IntentRef): Promise<KeyLifecycle> {
  return getKeyLifecycle(ctx, ref);
}
