// react-query options for the Stuck keys page.
import { queryOptions } from "@tanstack/react-query";
import type { StuckKeysPage } from "../api-types/stuck";
import { fetchJson } from "./fetch-json";

export type StuckQuery = {
  endpoint?: string;
  scope?: string;
  lockOwner?: string;
  minAgeSeconds?: number;
  cursor?: string;
};

export function stuckSearch(q: StuckQuery): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== "") params.set(k, String(v));
  return params.toString();
}

export function stuckQuery(q: StuckQuery) {
  return queryOptions({
    queryKey: ["stuck", q] as const,
    queryFn: ({ signal }) =>
      fetchJson<StuckKeysPage>(`/api/v1/stuck?${stuckSearch(q)}`, { signal }),
  });
}
