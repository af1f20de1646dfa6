// react-query options for the Duplicates page, and its reconcile call.
import { queryOptions } from "@tanstack/react-query";
import type { DuplicateList, ReconcileOutcome, ReconcileResult } from "../api-types/reconciliation";
import { fetchJson } from "./fetch-json";

/** The Duplicates page's list: its API search (the page prefetches it on the server too). */
export const duplicatesSearch = (status: DuplicateList["status"]) => `status=${status}&limit=200`;

export function duplicatesQuery(status: DuplicateList["status"]) {
  return queryOptions({
    queryKey: ["duplicates", status] as const,
    queryFn: ({ signal }) =>
      fetchJson<DuplicateList>(`/api/v1/duplicates?${duplicatesSearch(status)}`, { signal }),
  });
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
