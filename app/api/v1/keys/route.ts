import { NextResponse } from "next/server";
import { readContext } from "@/lib/db/context";
import { searchParamsOf } from "@/lib/http/json-route";
import { readRoute } from "@/lib/http/read-route";
import { loadKeySearch, keySearchQuery } from "@/lib/views/keys";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = keySearchQuery.parse(searchParamsOf(req));
  const page = await loadKeySearch(readContext(), q);
  return NextResponse.json(page, { headers: { "cache-control": "no-store" } });
});
