import { NextResponse } from "next/server";
import { readContext } from "@/lib/db/context";
import { searchParamsOf } from "@/lib/http/json-route";
import { readRoute } from "@/lib/http/read-route";
import { loadStoreReport, storeQuerySchema } from "@/lib/views/store";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = storeQuerySchema.parse(searchParamsOf(req));
  const report = await loadStoreReport(readContext(), q);
  return NextResponse.json(report, { headers: { "cache-control": "no-store" } });
});
