import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { currentViewer } from "@/lib/auth/request-identity";
import { readContext } from "@/lib/db/context";
import { log } from "@/lib/log";
import { clientsQuery } from "@/lib/client-queries/clients";
import { makeQueryClient } from "@/lib/client-queries/query-client";
import { storeCapabilities } from "@/lib/store/capabilities";
import { listClients } from "@/lib/store/clients";
import type { RawSearchParams } from "../search-params";
import { ClientsClient } from "./client";
import { parseClientsParams } from "./search-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Clients" };

export default async function ClientsPage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  const q = parseClientsParams(await searchParams);
  const queryClient = makeQueryClient();
  if ((await currentViewer()).identity) {
    try {
      const ctx = readContext();
      if ((await storeCapabilities(ctx)).eventsTable) {
        const list = await listClients(ctx, { ...q, limit: 50 });
        queryClient.setQueryData(clientsQuery(q).queryKey, { ...list, unavailable: null });
      }
    } catch (err) {
      // a bad cursor or an unreachable database: the client fetch shows the message
      log.warn({ err: (err as Error).message }, "clients prefetch failed");
    }
  }
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ClientsClient query={q} />
    </HydrationBoundary>
  );
}
