import { NextResponse } from "next/server";
import { z } from "zod";
import { getPool } from "@/lib/db";
import { searchParamsOf } from "@/lib/http/json-route";
import { readRoute } from "@/lib/http/read-route";
import { listRecentDuplicates } from "@/lib/store/duplicates";
import { tableNames } from "@/lib/tables";

export const dynamic = "force-dynamic";

const querySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const GET = readRoute(async (req) => {
  const q = querySchema.parse(searchParamsOf(req));
  const items = await listRecentDuplicates(getPool(), tableNames(), q.limit);
  return NextResponse.json({ items }, { headers: { "cache-control": "no-store" } });
});
