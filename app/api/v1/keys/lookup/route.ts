import { readContext } from "@/lib/db/context";
import { NextResponse } from "next/server";
import { searchParamsOf } from "@/lib/http/json-route";
import { intentQuery } from "@/lib/http/key-search-schemas";
import { readRoute } from "@/lib/http/read-route";
import { getKeyLifecycle } from "@/lib/store/lifecycle";

export const dynamic = "force-dynamic";

// The stable address of an intent: (scope, endpoint, key) outlives the row's id.
export const GET = readRoute(async (req) => {
  const intent = intentQuery.parse(searchParamsOf(req));
  const lifecycle = await getKeyLifecycle(readContext(), intent);
  return NextResponse.json(lifecycle, { headers: { "cache-control": "no-store" } });
});
