// react-query options for the Store page.
import { queryOptions } from "@tanstack/react-query";
import type { StoreRange, StoreReport } from "../api-types/store";
import { fetchJson } from "./fetch-json";

export function storeQuery(range: StoreRange) {
  return queryOptions({
    queryKey: ["store", range] as const,
    queryFn: ({ signal }) => fetchJson<StoreReport>(`/api/v1/store?range=${range}`, { signal }),
  });
}
