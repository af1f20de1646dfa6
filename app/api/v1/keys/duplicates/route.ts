import { readContext } from "@/lib/db/context";
import { NextResponse } from "next/server";
import { z } from "zod";
import { config } from "@/lib/config";
import { searchParamsOf } from "@/lib/http/json-route";
import { readRoute } from "@/lib/http/read-route";
import { sharedQuery } from "@/lib/store/shared-cache";
import { listRecentDuplicates } from "@/lib/store/duplicates";

export const dynamic = "force-dynamic";

const querySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const GET = readRoute(async (req) => {
  const q = querySchema.parse(searchParamsOf(req));
  const items = await sharedQuery(`duplicates:${q.limit}`, config().cacheTtlMs, () =>
    listRecentDuplicates(readContext(), q.limit),
  );
  return NextResponse.json({ items }, { headers: { "cache-control": "no-store" } });
});
