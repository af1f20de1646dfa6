import { NextResponse } from "next/server";
import { readContext } from "@/lib/contract/context";
import { searchParamsOf } from "@/lib/edge/http/json-route";
import { readRoute } from "@/lib/edge/http/read-route";
import { hotKeysQuerySchema, loadHotKeys } from "@/lib/query/views/overview";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = hotKeysQuerySchema.parse(searchParamsOf(req));
  const list = await loadHotKeys(readContext(), q);
  return NextResponse.json(list, { headers: { "cache-control": "no-store" } });
});
