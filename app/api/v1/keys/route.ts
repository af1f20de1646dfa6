import { readContext } from "@/lib/db/context";
import { NextResponse } from "next/server";
import { decodeCursor } from "@/lib/cursor";
import { searchParamsOf } from "@/lib/http/json-route";
import { keySearchCursor, keySearchQuery } from "@/lib/http/key-search-schemas";
import { readRoute } from "@/lib/http/read-route";
import { searchKeys } from "@/lib/store/key-search";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = keySearchQuery.parse(searchParamsOf(req));
  const cursor = q.cursor ? decodeCursor(q.cursor, keySearchCursor) : undefined;
  const page = await searchKeys(readContext(), q, { limit: q.limit, cursor });
  return NextResponse.json(page, { headers: { "cache-control": "no-store" } });
});
