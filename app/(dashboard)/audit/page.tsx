import { readContext } from "@/lib/db/context";
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { currentViewer } from "@/lib/auth/request-identity";
import { log } from "@/lib/log";
import { auditQuery } from "@/lib/client-queries/audit";
import { makeQueryClient } from "@/lib/client-queries/query-client";
import { listAudit } from "@/lib/store/audit";
import type { RawSearchParams } from "../search-params";
import { AuditClient } from "./client";
import { parseAuditParams } from "./search-params";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Audit" };

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<RawSearchParams>;
}) {
  const q = parseAuditParams(await searchParams);
  const queryClient = makeQueryClient();
  const viewer = await currentViewer();
  if (!q.cursor && viewer.identity) {
    try {
      const page = await listAudit(readContext(), q, { limit: 50 });
      queryClient.setQueryData(auditQuery(q).queryKey, page);
    } catch (err) {
      log.warn({ err: (err as Error).message }, "audit prefetch failed");
    }
  }
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <AuditClient query={q} />
    </HydrationBoundary>
  );
}
