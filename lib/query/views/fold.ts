// The fold banner every page shows while the store's history is folded (components/layout/FoldBanner).
import "server-only";
import type { FoldStatus } from "../../client/api-types/fold";
import type { StoreContext } from "../../contract/context";
import { getFoldStatus } from "../store/fold-status";
import { sharedQuery } from "../store/shared-cache";

export function loadFoldStatus(ctx: StoreContext): Promise<FoldStatus> {
  return sharedQuery("fold-status", ctx.config.cacheTtlMs, () => getFoldStatus(ctx));
}
