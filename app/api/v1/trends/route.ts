import { NextResponse } from "next/server";
import { readContext } from "@/lib/contract/context";
import { searchParamsOf } from "@/lib/edge/http/json-route";
import { readRoute } from "@/lib/edge/http/read-route";
import { loadTrends, trendsQuerySchema } from "@/lib/query/views/trends";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = trendsQuerySchema.parse(searchParamsOf(req));
  const trends = await loadTrends(readContext(), q);
  return NextResponse.json(trends, { headers: { "cache-control": "no-store" } });
});
