import { readContext } from "@/lib/db/context";
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentViewer } from "@/lib/auth/request-identity";
import { keySearchQuery as keySearchSchema } from "@/lib/http/key-search-schemas";
import { log } from "@/lib/log";
import { keySearchQuery, lifecyclePageUrl } from "@/lib/client-queries/keys";
import { makeQueryClient } from "@/lib/client-queries/query-client";
import type { RecentDuplicate } from "@/lib/api-types/keys";
import { listRecentDuplicates } from "@/lib/store/duplicates";
import { searchKeys } from "@/lib/store/key-search";
import type { RawSearchParams } from "../search-params";
import { KeySearchClient } from "./client";
import { apiQuery, hasSearch, parseKeySearchParams } from "./search-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Key search" };

export default async function KeySearchPage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  let params = parseKeySearchParams(await searchParams);
  const queryClient = makeQueryClient();
  const viewer = await currentViewer();
  let fellBack: string | undefined;
  let duplicates: RecentDuplicate[] = [];
  let destination: string | undefined;
  if (viewer.identity) {
    try {
      const valid = keySearchSchema.safeParse({ ...apiQuery(params), limit: "50" });
      if (valid.success && !params.cursor && hasSearch(params)) {
        const page = await searchKeys(readContext(), valid.data, { limit: 50 });
        const only = page.items.length === 1 ? page.items[0] : undefined;
        if (params.key !== undefined && only) {
          // an exact match goes straight to its page
          destination = only.id ? `/keys/${only.id}` : lifecyclePageUrl(only);
        } else if (params.key !== undefined && page.items.length === 0) {
          // nothing is exactly that: show what starts with it instead
          fellBack = params.key;
          params = { ...params, key: undefined, prefix: params.key };
          const prefixQuery = { ...valid.data, key: undefined, prefix: fellBack };
          const prefixPage = await searchKeys(readContext(), prefixQuery, { limit: 50 });
          queryClient.setQueryData(keySearchQuery(apiQuery(params)).queryKey, prefixPage);
        } else {
          queryClient.setQueryData(keySearchQuery(apiQuery(params)).queryKey, page);
        }
      }
      if (!hasSearch(params)) duplicates = await listRecentDuplicates(readContext(), 15);
    } catch (err) {
      log.warn({ err: (err as Error).message }, "key search prefetch failed");
    }
  }
  if (destination) redirect(destination);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <KeySearchClient params={params} fellBackFrom={fellBack} duplicates={duplicates} />
    </HydrationBoundary>
  );
}
