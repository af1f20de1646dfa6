// react-query options for annotations: one list (the last 90 days) shared by every chart on the
// page, and the before/after comparison of one.
import { queryOptions } from "@tanstack/react-query";
import type { AnnotationComparison, AnnotationList } from "../api-types/annotations";
import { fetchJson } from "./fetch-json";

export function annotationsQuery() {
  return queryOptions({
    queryKey: ["annotations"] as const,
    queryFn: ({ signal }) => fetchJson<AnnotationList>("/api/v1/annotations?limit=500", { signal }),
    refetchInterval: 30_000,
  });
}

export function comparisonQuery(id: string, window: string) {
  return queryOptions({
    queryKey: ["annotations", id, "compare", window] as const,
    queryFn: ({ signal }) =>
      fetchJson<AnnotationComparison>(`/api/v1/annotations/${id}/compare?window=${window}`, {
        signal,
      }),
  });
}
