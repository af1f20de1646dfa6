import { NextResponse } from "next/server";
import { readContext } from "@/lib/db/context";
import { searchParamsOf } from "@/lib/http/json-route";
import { readRoute } from "@/lib/http/read-route";
import { duplicatesQuerySchema, loadDuplicates } from "@/lib/views/reconciliation";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = duplicatesQuerySchema.parse(searchParamsOf(req));
  const list = await loadDuplicates(readContext(), q);
  return NextResponse.json(list, { headers: { "cache-control": "no-store" } });
});
