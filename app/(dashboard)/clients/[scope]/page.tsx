import { isNotFound } from "@/lib/core/errors";
import { prefetchView, queryOf } from "@/lib/query/views/view";
import {
  clientDetailQuery as clientDetailParams,
  loadClientDetail,
} from "@/lib/query/views/clients";
import { readContext } from "@/lib/contract/context";
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { currentViewer } from "@/lib/auth/request-identity";
import { clientDetailQuery } from "@/lib/client/queries/clients";
import { makeQueryClient } from "@/lib/client/queries/query-client";
import type { RawSearchParams } from "../../search-params";
import { clientRangeOf } from "../search-params";
import { ClientDetailClient } from "./client";

// No loading.tsx here or above (the list pages keep theirs in route groups): a skeleton streamed
// first would fix the status at 200, and an unknown key or client must answer 404.
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ scope: string }>; searchParams: Promise<RawSearchParams> };

/**
 * Page params arrive still percent-encoded (unlike route handlers': vercel/next.js#64952), so
 * the client name is decoded here, once; a malformed escape is kept as typed.
 */
async function scopeOf(params: Props["params"]): Promise<string> {
  const raw = (await params).scope;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Client ${await scopeOf(params)}` };
}

export default async function ClientPage({ params, searchParams }: Props) {
  const scope = await scopeOf(params);
  const range = clientRangeOf((await searchParams).range);
  const queryClient = makeQueryClient();
  if ((await currentViewer()).identity && scope.length <= 255) {
    const { error } = await prefetchView(
      queryClient,
      clientDetailQuery(scope, range).queryKey,
      "client",
      () =>
        loadClientDetail(readContext(), scope, queryOf(clientDetailParams, `range=${range}`).range),
    );
    if (isNotFound(error)) notFound();
  }
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ClientDetailClient scope={scope} range={range} />
    </HydrationBoundary>
  );
}
