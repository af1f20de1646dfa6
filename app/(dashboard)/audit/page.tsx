import { prefetchView, queryOf } from "@/lib/query/views/view";
import { auditQuerySchema, loadAudit } from "@/lib/query/views/audit";
import { readContext } from "@/lib/contract/context";
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import type { Metadata } from "next";
import { currentViewer } from "@/lib/auth/request-identity";
import { auditQuery, auditSearch } from "@/lib/client/queries/audit";
import { makeQueryClient } from "@/lib/client/queries/query-client";
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
  if (!q.cursor && viewer.identity)
    await prefetchView(queryClient, auditQuery(q).queryKey, "audit", () =>
      loadAudit(readContext(), queryOf(auditQuerySchema, auditSearch(q))),
    );
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <AuditClient query={q} />
    </HydrationBoundary>
  );
}
