// react-query options for the Trends page.
import { queryOptions } from "@tanstack/react-query";
import type { TrendRange, Trends } from "../api-types/trends";
import { fetchJson } from "./fetch-json";

export function trendsQuery(range: TrendRange) {
  return queryOptions({
    queryKey: ["trends", range] as const,
    queryFn: ({ signal }) => fetchJson<Trends>(`/api/v1/trends?range=${range}`, { signal }),
  });
}
