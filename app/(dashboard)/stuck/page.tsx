import { readContext } from "@/lib/db/context";
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { currentViewer, viewerInfo } from "@/lib/auth/request-identity";
import { log } from "@/lib/log";
import { makeQueryClient } from "@/lib/client-queries/query-client";
import { stuckQuery } from "@/lib/client-queries/stuck";
import { listStuckKeys } from "@/lib/store/stuck";
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
  if (!q.cursor && viewer.identity) {
    // The first page is prefetched; later pages (opaque cursors) are validated by the API.
    try {
      const page = await listStuckKeys(readContext(), q, {
        limit: 50,
        order: q.order,
      });
      queryClient.setQueryData(stuckQuery(q).queryKey, page);
    } catch (err) {
      log.warn({ err: (err as Error).message }, "stuck keys prefetch failed");
    }
  }
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <StuckKeysClient query={q} viewer={viewerInfo(viewer)} />
    </HydrationBoundary>
  );
}
