import { NextResponse } from "next/server";
import { readContext } from "@/lib/contract/context";
import { searchParamsOf } from "@/lib/edge/http/json-route";
import { readRoute } from "@/lib/edge/http/read-route";
import { loadAudit, auditQuerySchema } from "@/lib/query/views/audit";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = auditQuerySchema.parse(searchParamsOf(req));
  const page = await loadAudit(readContext(), q);
  return NextResponse.json(page, { headers: { "cache-control": "no-store" } });
});
