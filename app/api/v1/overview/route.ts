import { NextResponse } from "next/server";
import { readContext } from "@/lib/contract/context";
import { searchParamsOf } from "@/lib/edge/http/json-route";
import { readRoute } from "@/lib/edge/http/read-route";
import { loadOverview, overviewQuerySchema } from "@/lib/query/views/overview";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = overviewQuerySchema.parse(searchParamsOf(req));
  const overview = await loadOverview(readContext(), q);
  return NextResponse.json(overview, { headers: { "cache-control": "no-store" } });
});
