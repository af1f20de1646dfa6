import { readContext } from "@/lib/db/context";
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { TREND_RANGES, type TrendRange } from "@/lib/api-types/trends";
import { currentViewer } from "@/lib/auth/request-identity";
import { config } from "@/lib/config";
import { log } from "@/lib/log";
import { makeQueryClient } from "@/lib/client-queries/query-client";
import { trendsQuery } from "@/lib/client-queries/trends";
import { getTrends } from "@/lib/store/trends";
import type { RawSearchParams } from "../search-params";
import { TrendsClient } from "./client";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Trends" };

export default async function TrendsPage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  const raw = (await searchParams).range;
  const range: TrendRange = (TREND_RANGES as readonly unknown[]).includes(raw)
    ? (raw as TrendRange)
    : "30d";
  const queryClient = makeQueryClient();
  if ((await currentViewer()).identity) {
    try {
      queryClient.setQueryData(
        trendsQuery(range).queryKey,
        await getTrends(readContext(), range, [config().keysTable, config().eventsTable]),
      );
    } catch (err) {
      log.warn({ err: (err as Error).message }, "trends prefetch failed");
    }
  }
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <TrendsClient range={range} />
    </HydrationBoundary>
  );
}
