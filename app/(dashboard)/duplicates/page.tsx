import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { currentViewer, viewerInfo } from "@/lib/auth/request-identity";
import {
  DEFAULT_DUPLICATES_VIEW,
  duplicatesQuery,
  duplicatesSearch,
} from "@/lib/client/queries/duplicates";
import { makeQueryClient } from "@/lib/client/queries/query-client";
import { readContext } from "@/lib/contract/context";
import { duplicatesQuerySchema, loadDuplicates } from "@/lib/query/views/reconciliation";
import { prefetchView, queryOf } from "@/lib/query/views/view";
import { DuplicatesClient } from "./client";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Duplicate successes" };

export default async function DuplicatesPage() {
  const identity = await currentViewer();
  const queryClient = makeQueryClient();
  // rendered with its list, like the other pages: a page that arrived as "Loading…" and grew its
  // tiles and table afterwards moved everything under a pointer already on its way
  if (identity.identity)
    await prefetchView(
      queryClient,
      duplicatesQuery(DEFAULT_DUPLICATES_VIEW).queryKey,
      "duplicates",
      () =>
        loadDuplicates(
          readContext(),
          queryOf(duplicatesQuerySchema, duplicatesSearch(DEFAULT_DUPLICATES_VIEW)),
        ),
    );
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <DuplicatesClient viewer={viewerInfo(identity)} />
    </HydrationBoundary>
  );
}
