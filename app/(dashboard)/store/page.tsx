import { readContext } from "@/lib/db/context";
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { STORE_RANGES, type StoreRange } from "@/lib/api-types/store";
import { currentViewer } from "@/lib/auth/request-identity";
import { log } from "@/lib/log";
import { makeQueryClient } from "@/lib/client-queries/query-client";
import { storeQuery } from "@/lib/client-queries/store";
import { getStoreReport } from "@/lib/store/store-report";
import type { RawSearchParams } from "../search-params";
import { StoreClient } from "./client";

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
  if ((await currentViewer()).identity) {
    try {
      queryClient.setQueryData(
        storeQuery(range).queryKey,
        await getStoreReport(readContext(), range),
      );
    } catch (err) {
      log.warn({ err: (err as Error).message }, "store prefetch failed");
    }
  }
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <StoreClient range={range} />
    </HydrationBoundary>
  );
}
