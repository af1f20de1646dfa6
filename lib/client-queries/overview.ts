// react-query options for the Overview, shared by the server prefetch and the page.
import { queryOptions } from "@tanstack/react-query";
import type { Overview } from "../api-types/overview";
import type { Range } from "../range";
import { fetchJson } from "./fetch-json";

export const overviewKeys = {
  all: ["overview"] as const,
  range: (range: Range) => ["overview", range] as const,
};

export function overviewQuery(range: Range) {
  return queryOptions({
    queryKey: overviewKeys.range(range),
    queryFn: ({ signal }) => fetchJson<Overview>(`/api/v1/overview?range=${range}`, { signal }),
  });
}
