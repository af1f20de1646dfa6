import { NextResponse } from "next/server";
import { readContext } from "@/lib/contract/context";
import { searchParamsOf } from "@/lib/edge/http/json-route";
import { readRoute } from "@/lib/edge/http/read-route";
import { duplicatesQuerySchema, loadDuplicates } from "@/lib/query/views/reconciliation";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = duplicatesQuerySchema.parse(searchParamsOf(req));
  const list = await loadDuplicates(readContext(), q);
  return NextResponse.json(list, { headers: { "cache-control": "no-store" } });
});
