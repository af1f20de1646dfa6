// react-query options of the fold banner (every page polls it: one small read, shared by viewers).
import { queryOptions } from "@tanstack/react-query";
import type { FoldStatus } from "../api-types/fold";
import { fetchJson } from "./fetch-json";

export function foldStatusQuery() {
  return queryOptions({
    queryKey: ["collector", "fold"] as const,
    queryFn: ({ signal }) => fetchJson<FoldStatus>("/api/v1/collector/fold", { signal }),
  });
}
