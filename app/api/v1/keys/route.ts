import { NextResponse } from "next/server";
import { getPool } from "@/lib/db";
import { decodeCursor } from "@/lib/http/cursor";
import { searchParamsOf } from "@/lib/http/json-route";
import { keySearchCursor, keySearchQuery } from "@/lib/http/key-search-schemas";
import { readRoute } from "@/lib/http/read-route";
import { searchKeys } from "@/lib/store/key-search";
import { tableNames } from "@/lib/tables";

export const dynamic = "force-dynamic";

export const GET = readRoute(async (req) => {
  const q = keySearchQuery.parse(searchParamsOf(req));
  const cursor = q.cursor ? decodeCursor(q.cursor, keySearchCursor) : undefined;
  const page = await searchKeys(getPool(), tableNames(), q, { limit: q.limit, cursor });
  return NextResponse.json(page, { headers: { "cache-control": "no-store" } });
});
