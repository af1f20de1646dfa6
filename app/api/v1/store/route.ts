import { NextResponse } from "next/server";
import { readContext } from "@/lib/contract/context";
import { searchParamsOf } from "@/lib/edge/http/json-route";
import { readRoute } from "@/lib/edge/http/read-route";
import { loadStoreReport, storeQuerySchema } from "@/lib/query/views/store";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = storeQuerySchema.parse(searchParamsOf(req));
  const report = await loadStoreReport(readContext(), q);
  return NextResponse.json(report, { headers: { "cache-control": "no-store" } });
});
