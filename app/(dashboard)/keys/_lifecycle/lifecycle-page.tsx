// Server side of both lifecycle addresses (/keys/[id] and /keys/lookup): prefetch, then hand
// over to the polling client.
import { readContext } from "@/lib/db/context";
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import { currentViewer, viewerInfo } from "@/lib/auth/request-identity";
import { notFound } from "next/navigation";
import { DomainError } from "@/lib/errors";
import { log } from "@/lib/log";
import { lifecycleQuery, type IntentAddress } from "@/lib/client-queries/keys";
import { makeQueryClient } from "@/lib/client-queries/query-client";
import { getKeyLifecycle } from "@/lib/store/lifecycle";
import { LifecycleClient } from "./lifecycle-client";

export async function LifecyclePage({ address }: { address: IntentAddress }) {
  const queryClient = makeQueryClient();
  const viewer = await currentViewer();
  let missing = false;
  if (viewer.identity) {
    try {
      const data = await getKeyLifecycle(readContext(), address);
      queryClient.setQueryData(lifecycleQuery(address).queryKey, data);
    } catch (err) {
      if (err instanceof DomainError && err.kind === "not_found") missing = true;
      else log.warn({ err: (err as Error).message }, "lifecycle prefetch failed");
    }
  }
  // outside the try: notFound() works by throwing
  if (missing) notFound();
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <LifecycleClient address={address} viewer={viewerInfo(viewer)} />
    </HydrationBoundary>
  );
}
