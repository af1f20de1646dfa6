import { readContext } from "@/lib/contract/context";
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentViewer } from "@/lib/auth/request-identity";
import { keySearchQuery as keySearchParamsSchema } from "@/lib/query/params/key-search-schemas";
import { keySearchQuery, keySearchString, lifecyclePageUrl } from "@/lib/client/queries/keys";
import { makeQueryClient } from "@/lib/client/queries/query-client";
import type { RecentDuplicate } from "@/lib/client/api-types/keys";
import type { RawSearchParams } from "../../search-params";
import { KeySearchClient } from "../client";
import { loadKeySearch, loadRecentDuplicates } from "@/lib/query/views/keys";
import { paramsOf, prefetchView, tryLoad } from "@/lib/query/views/view";
import { apiQuery, hasSearch, parseKeySearchParams } from "../search-params";

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
  let storeVisible = true;
  if (viewer.identity) {
    const ctx = readContext();
    storeVisible = ctx.tables.source.capture.readsStore;
    // what the client will ask the API for, parsed as the API parses it
    const valid = keySearchParamsSchema.safeParse(paramsOf(keySearchString(apiQuery(params))));
    if (valid.success && !params.cursor && hasSearch(params)) {
      const { data: page } = await prefetchView(
        queryClient,
        keySearchQuery(apiQuery(params)).queryKey,
        "key search",
        () => loadKeySearch(ctx, valid.data),
      );
      const only = page?.items.length === 1 ? page.items[0] : undefined;
      if (params.key !== undefined && only) {
        // an exact match goes straight to its page
        destination = only.id ? `/keys/${only.id}` : lifecyclePageUrl(only);
      } else if (params.key !== undefined && page?.items.length === 0) {
        // nothing is exactly that: show what starts with it instead
        fellBack = params.key;
        params = { ...params, key: undefined, prefix: params.key };
        const prefixQuery = { ...valid.data, key: undefined, prefix: fellBack };
        await prefetchView(
          queryClient,
          keySearchQuery(apiQuery(params)).queryKey,
          "key search (prefix)",
          () => loadKeySearch(ctx, prefixQuery),
        );
      }
    }
    if (!hasSearch(params))
      duplicates =
        (await tryLoad("recent duplicates", () => loadRecentDuplicates(ctx, 15))).data ?? [];
  }
  if (destination) redirect(destination);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <KeySearchClient
        params={params}
        fellBackFrom={fellBack}
        duplicates={duplicates}
        storeVisible={storeVisible}
      />
    </HydrationBoundary>
  );
}
