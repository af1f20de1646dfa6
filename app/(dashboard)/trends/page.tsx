import { prefetchView, queryOf } from "@/lib/query/views/view";
import { loadTrends, trendsQuerySchema } from "@/lib/query/views/trends";
import { readContext } from "@/lib/contract/context";
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { TREND_RANGES, type TrendRange } from "@/lib/client/api-types/trends";
import { currentViewer } from "@/lib/auth/request-identity";
import { makeQueryClient } from "@/lib/client/queries/query-client";
import { trendsQuery } from "@/lib/client/queries/trends";
import type { RawSearchParams } from "../search-params";
import { TrendsClient } from "./client";
import { IgnoredParam } from "@/components/ui/IgnoredParam";

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
  if ((await currentViewer()).identity)
    await prefetchView(queryClient, trendsQuery(range).queryKey, "trends", () =>
      loadTrends(readContext(), queryOf(trendsQuerySchema, `range=${range}`)),
    );
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <IgnoredParam name="range" given={raw} using={range} allowed={TREND_RANGES} />
      <TrendsClient range={range} />
    </HydrationBoundary>
  );
}
