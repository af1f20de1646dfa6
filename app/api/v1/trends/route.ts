import { NextResponse } from "next/server";
import { readContext } from "@/lib/db/context";
import { searchParamsOf } from "@/lib/http/json-route";
import { readRoute } from "@/lib/http/read-route";
import { loadTrends, trendsQuerySchema } from "@/lib/views/trends";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = trendsQuerySchema.parse(searchParamsOf(req));
  const trends = await loadTrends(readContext(), q);
  return NextResponse.json(trends, { headers: { "cache-control": "no-store" } });
});
