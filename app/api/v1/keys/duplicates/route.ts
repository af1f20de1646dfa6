import { NextResponse } from "next/server";
import { z } from "zod";
import { readContext } from "@/lib/contract/context";
import { searchParamsOf } from "@/lib/edge/http/json-route";
import { readRoute } from "@/lib/edge/http/read-route";
import { loadRecentDuplicates } from "@/lib/query/views/keys";

export const dynamic = "force-dynamic";

const querySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const GET = readRoute(async (req) => {
  const q = querySchema.parse(searchParamsOf(req));
  const items = await loadRecentDuplicates(readContext(), q.limit);
  return NextResponse.json({ items }, { headers: { "cache-control": "no-store" } });
});
