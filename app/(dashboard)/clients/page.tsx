import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { currentViewer } from "@/lib/auth/request-identity";
import { getPool } from "@/lib/db";
import { log } from "@/lib/log";
import { clientsQuery } from "@/lib/queries/clients";
import { makeQueryClient } from "@/lib/queries/query-client";
import { storeCapabilities } from "@/lib/store/capabilities";
import { listClients } from "@/lib/store/clients";
import { tableNames } from "@/lib/tables";
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
      const db = getPool();
      const t = tableNames();
      if ((await storeCapabilities(db, t)).eventsTable) {
        const list = await listClients(db, t, { ...q, limit: 50 });
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
