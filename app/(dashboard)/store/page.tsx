import { prefetchView, queryOf } from "@/lib/query/views/view";
import { loadStoreReport, storeQuerySchema } from "@/lib/query/views/store";
import { readContext } from "@/lib/contract/context";
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { STORE_RANGES, type StoreRange } from "@/lib/client/api-types/store";
import { currentViewer } from "@/lib/auth/request-identity";
import { makeQueryClient } from "@/lib/client/queries/query-client";
import { storeQuery } from "@/lib/client/queries/store";
import type { RawSearchParams } from "../search-params";
import { StoreClient } from "./client";
import { IgnoredParam } from "@/components/ui/IgnoredParam";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Store" };

export default async function StorePage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  const raw = (await searchParams).range;
  const range: StoreRange = (STORE_RANGES as readonly unknown[]).includes(raw)
    ? (raw as StoreRange)
    : "30d";
  const queryClient = makeQueryClient();
  if ((await currentViewer()).identity)
    await prefetchView(queryClient, storeQuery(range).queryKey, "store", () =>
      loadStoreReport(readContext(), queryOf(storeQuerySchema, `range=${range}`)),
    );
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <IgnoredParam name="range" given={raw} using={range} allowed={STORE_RANGES} />
      <StoreClient range={range} />
    </HydrationBoundary>
  );
}
