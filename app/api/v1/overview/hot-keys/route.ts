import { NextResponse } from "next/server";
import { readContext } from "@/lib/db/context";
import { searchParamsOf } from "@/lib/http/json-route";
import { readRoute } from "@/lib/http/read-route";
import { hotKeysQuerySchema, loadHotKeys } from "@/lib/views/overview";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = hotKeysQuerySchema.parse(searchParamsOf(req));
  const list = await loadHotKeys(readContext(), q);
  return NextResponse.json(list, { headers: { "cache-control": "no-store" } });
});
