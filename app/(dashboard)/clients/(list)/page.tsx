import { prefetchView, queryOf } from "@/lib/query/views/view";
import { clientListQuery, loadClients } from "@/lib/query/views/clients";
import { IgnoredParam } from "@/components/ui/IgnoredParam";
import { CLIENT_RANGES, CLIENT_SORTS } from "@/lib/client/api-types/clients";
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { currentViewer } from "@/lib/auth/request-identity";
import { readContext } from "@/lib/contract/context";
import { clientsQuery, clientsSearch } from "@/lib/client/queries/clients";
import { makeQueryClient } from "@/lib/client/queries/query-client";
import type { RawSearchParams } from "../../search-params";
import { ClientsClient } from "../client";
import { parseClientsParams } from "../search-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Clients" };

export default async function ClientsPage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  const sp = await searchParams;
  const q = parseClientsParams(sp);
  const queryClient = makeQueryClient();
  // a bad cursor or an unreachable database: the client fetch shows the message
  if ((await currentViewer()).identity)
    await prefetchView(queryClient, clientsQuery(q).queryKey, "clients", () =>
      loadClients(readContext(), queryOf(clientListQuery, clientsSearch(q))),
    );
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <IgnoredParam name="range" given={sp.range} using={q.range} allowed={CLIENT_RANGES} />
      <IgnoredParam name="sort" given={sp.sort} using={q.sort} allowed={CLIENT_SORTS} />
      <ClientsClient query={q} />
    </HydrationBoundary>
  );
}
