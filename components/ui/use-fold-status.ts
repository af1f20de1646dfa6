"use client";

import { useQuery } from "@tanstack/react-query";
import type { FoldStatus } from "@/lib/client/api-types/fold";
import { foldStatusQuery } from "@/lib/client/queries/fold";
import { useHydrated } from "./use-hydrated";

/**
 * The collector's fold status, polled every 5 s by the banner and by the pages that qualify their
 * numbers with it; null until the page has hydrated. The server renders none, and one the banner
 * already fetched when a streamed part of the page hydrates would not match that part's HTML.
 */
export function useFoldStatus(): FoldStatus | null {
  const data = useQuery({ ...foldStatusQuery(), refetchInterval: 5000 }).data;
  return useHydrated() ? (data ?? null) : null;
}
