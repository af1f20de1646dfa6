// react-query options for the Stuck keys page.
import { queryOptions } from "@tanstack/react-query";
import type { StuckKeysPage } from "../api-types/stuck";
import { fetchJson } from "./fetch-json";
import { searchString } from "./search-string";

export type StuckQuery = {
  endpoint?: string;
  scope?: string;
  lockOwner?: string;
  minAgeSeconds?: number;
  /** absent = oldest first */
  order?: "newest";
  cursor?: string;
};

export function stuckSearch(q: StuckQuery): string {
  return searchString(q);
}

export function stuckQuery(q: StuckQuery) {
  return queryOptions({
    queryKey: ["stuck", q] as const,
    queryFn: ({ signal }) =>
      fetchJson<StuckKeysPage>(`/api/v1/stuck?${stuckSearch(q)}`, { signal }),
  });
}
