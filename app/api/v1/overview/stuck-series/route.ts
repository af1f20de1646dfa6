import { NextResponse } from "next/server";
import { readContext } from "@/lib/contract/context";
import { searchParamsOf } from "@/lib/edge/http/json-route";
import { readRoute } from "@/lib/edge/http/read-route";
import { loadStuckSeries, stuckSeriesQuerySchema } from "@/lib/query/views/overview";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = stuckSeriesQuerySchema.parse(searchParamsOf(req));
  const panel = await loadStuckSeries(readContext(), q);
  return NextResponse.json(panel, { headers: { "cache-control": "no-store" } });
});
