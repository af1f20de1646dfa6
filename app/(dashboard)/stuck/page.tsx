import { prefetchView, queryOf } from "@/lib/query/views/view";
import { loadStuckKeys, stuckQuerySchema } from "@/lib/query/views/stuck";
import { readContext } from "@/lib/contract/context";
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { currentViewer, viewerInfo } from "@/lib/auth/request-identity";
import { makeQueryClient } from "@/lib/client/queries/query-client";
import { stuckQuery, stuckSearch } from "@/lib/client/queries/stuck";
import type { RawSearchParams } from "../search-params";
import { StuckKeysClient } from "./client";
import { parseStuckParams } from "./search-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Stuck keys" };

export default async function StuckKeysPage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  const q = parseStuckParams(await searchParams);
  const queryClient = makeQueryClient();
  const viewer = await currentViewer();
  // The first page is prefetched; later pages (opaque cursors) are validated by the API.
  if (!q.cursor && viewer.identity)
    await prefetchView(queryClient, stuckQuery(q).queryKey, "stuck keys", () =>
      loadStuckKeys(readContext(), queryOf(stuckQuerySchema, stuckSearch(q))),
    );
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <StuckKeysClient query={q} viewer={viewerInfo(viewer)} />
    </HydrationBoundary>
  );
}
