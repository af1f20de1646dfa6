import { NextResponse } from "next/server";
import { readContext } from "@/lib/contract/context";
import { searchParamsOf } from "@/lib/edge/http/json-route";
import { readRoute } from "@/lib/edge/http/read-route";
import { loadKeySearch, keySearchQuery } from "@/lib/query/views/keys";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = keySearchQuery.parse(searchParamsOf(req));
  const page = await loadKeySearch(readContext(), q);
  return NextResponse.json(page, { headers: { "cache-control": "no-store" } });
});
