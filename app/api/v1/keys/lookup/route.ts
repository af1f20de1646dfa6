import { NextResponse } from "next/server";
import { readContext } from "@/lib/contract/context";
import { searchParamsOf } from "@/lib/edge/http/json-route";
import { readRoute } from "@/lib/edge/http/read-route";
import { intentQuery, loadKeyLifecycle } from "@/lib/query/views/keys";

export const dynamic = "force-dynamic";

// The stable address of an intent: (scope, endpoint, key) outlives the row's id.
export const GET = readRoute(async (req) => {
  const intent = intentQuery.parse(searchParamsOf(req));
  const lifecycle = await loadKeyLifecycle(readContext(), intent);
  return NextResponse.json(lifecycle, { headers: { "cache-control": "no-store" } });
});
