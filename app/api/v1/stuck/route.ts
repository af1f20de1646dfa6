import { NextResponse } from "next/server";
import { readContext } from "@/lib/contract/context";
import { searchParamsOf } from "@/lib/edge/http/json-route";
import { readRoute } from "@/lib/edge/http/read-route";
import { loadStuckKeys, stuckQuerySchema } from "@/lib/query/views/stuck";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = stuckQuerySchema.parse(searchParamsOf(req));
  const page = await loadStuckKeys(readContext(), q);
  return NextResponse.json(page, { headers: { "cache-control": "no-store" } });
});
