// react-query options for the Duplicates page, and its reconcile call.
import { queryOptions } from "@tanstack/react-query";
import type {
  DuplicateList,
  DuplicateOrder,
  ReconcileOutcome,
  ReconcileResult,
} from "../api-types/reconciliation";
import { fetchJson } from "./fetch-json";
import { searchString } from "./search-string";

/** What the Duplicates page shows: which ones, in which order, of whom, from where on. */
export type DuplicatesView = {
  status: DuplicateList["status"];
  order: DuplicateOrder;
  client?: string;
  endpoint?: string;
  cursor?: string;
};

export const DUPLICATES_PAGE_SIZE = 100;
export const DEFAULT_DUPLICATES_VIEW: DuplicatesView = { status: "open", order: "oldest" };

/** The Duplicates page's list: its API search (the page prefetches it on the server too). */
export const duplicatesSearch = (v: DuplicatesView, limit = DUPLICATES_PAGE_SIZE) =>
  searchString({ ...v, limit: String(limit) });

export function duplicatesQuery(v: DuplicatesView) {
  return queryOptions({
    queryKey: ["duplicates", v] as const,
    queryFn: ({ signal }) =>
      fetchJson<DuplicateList>(`/api/v1/duplicates?${duplicatesSearch(v)}`, { signal }),
  });
}

/** Every intent matching the view (at most the reconcile cap): "select all N matching". */
export async function matchingIntents(v: DuplicatesView, cap: number): Promise<string[]> {
  const list = await fetchJson<DuplicateList>(
    `/api/v1/duplicates?${duplicatesSearch({ ...v, cursor: undefined }, cap)}`,
  );
  return list.items.filter((d) => !d.reconciliation).map((d) => d.intent);
}

export function postReconcile(body: {
  intents: string[];
  outcome: ReconcileOutcome;
  reason: string;
  externalRef?: string;
}) {
  return fetchJson<ReconcileResult>("/api/v1/duplicates/reconcile", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}
