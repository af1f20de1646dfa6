import { readContext } from "@/lib/db/context";
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { currentViewer } from "@/lib/auth/request-identity";
import { log } from "@/lib/log";
import { overviewQuery } from "@/lib/client-queries/overview";
import { makeQueryClient } from "@/lib/client-queries/query-client";
import { getSharedOverview } from "@/lib/store/overview";
import { OverviewClient } from "./client";
import { parseOverviewParams, type RawSearchParams } from "./search-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  const params = parseOverviewParams(await searchParams);
  const queryClient = makeQueryClient();
  const viewer = await currentViewer();
  // Without an identity (auth configured, none presented) nothing is prefetched; the API says why.
  if (viewer.identity) {
    try {
      const data = await getSharedOverview(readContext(), params.range);
      queryClient.setQueryData(overviewQuery(params.range).queryKey, data);
    } catch (err) {
      // The page still renders: the client retries and shows the database banner.
      log.warn({ err: (err as Error).message }, "overview prefetch failed");
    }
  }
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <OverviewClient {...params} />
    </HydrationBoundary>
  );
}
