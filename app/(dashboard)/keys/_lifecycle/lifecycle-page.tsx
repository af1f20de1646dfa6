// Server side of both lifecycle addresses (/keys/[id] and /keys/lookup): prefetch, then hand
// over to the polling client.
import { isNotFound } from "@/lib/core/errors";
import { prefetchView } from "@/lib/query/views/view";
import { loadKeyLifecycle } from "@/lib/query/views/keys";
import { readContext } from "@/lib/contract/context";
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import { currentViewer, viewerInfo } from "@/lib/auth/request-identity";
import { notFound } from "next/navigation";
import { lifecycleQuery, type IntentAddress } from "@/lib/client/queries/keys";
import { makeQueryClient } from "@/lib/client/queries/query-client";
import { LifecycleClient } from "./lifecycle-client";

export async function LifecyclePage({ address }: { address: IntentAddress }) {
  const queryClient = makeQueryClient();
  const viewer = await currentViewer();
  if (viewer.identity) {
    const { error } = await prefetchView(queryClient, lifecycleQuery(address).queryKey, "key", () =>
      loadKeyLifecycle(readContext(), address),
    );
    if (isNotFound(error)) notFound();
  }
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <LifecycleClient address={address} viewer={viewerInfo(viewer)} />
    </HydrationBoundary>
  );
}
