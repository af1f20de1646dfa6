import { Suspense } from "react";
import { IgnoredParam } from "@/components/ui/IgnoredParam";
import { RANGES } from "@/lib/client/range";
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { currentViewer } from "@/lib/auth/request-identity";
import { overviewQuery, overviewSearch, rightNowQuery } from "@/lib/client/queries/overview";
import { makeQueryClient } from "@/lib/client/queries/query-client";
import { readContext } from "@/lib/contract/context";
import { loadOverview, loadRightNow, overviewQuerySchema } from "@/lib/query/views/overview";
import { prefetchView, queryOf } from "@/lib/query/views/view";
import { OverviewClient } from "../client";
import { parseOverviewParams, type RawSearchParams } from "../search-params";
import { StuckSeriesCardSkeleton } from "../stuck-series-card";
import { StuckSeriesSection } from "../stuck-series-section";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  const sp = await searchParams;
  const params = parseOverviewParams(sp);
  const queryClient = makeQueryClient();
  const viewer = await currentViewer();
  // Without an identity (auth configured, none presented) nothing is prefetched; the API says why.
  // The page still renders when this fails: the client retries and shows the database banner.
  if (viewer.identity)
    await Promise.all([
      prefetchView(queryClient, overviewQuery(params.range).queryKey, "overview", () =>
        loadOverview(readContext(), queryOf(overviewQuerySchema, overviewSearch(params.range))),
      ),
      // the strip is rendered with the page: one that arrived later would push everything down
      prefetchView(queryClient, rightNowQuery().queryKey, "right now", () =>
        loadRightNow(readContext()),
      ),
    ]);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <IgnoredParam name="range" given={sp.range} using={params.range} allowed={RANGES} />
      <OverviewClient
        {...params}
        stuckChart={
          // streamed: a slow or locked samples table never holds back the numbers above
          <Suspense fallback={<StuckSeriesCardSkeleton />}>
            <StuckSeriesSection
              range={params.range}
              refresh={params.refresh}
              prefetch={Boolean(viewer.identity)}
            />
          </Suspense>
        }
      />
    </HydrationBoundary>
  );
}
