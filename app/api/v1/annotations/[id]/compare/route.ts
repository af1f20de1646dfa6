import { NextResponse } from "next/server";
import { readContext } from "@/lib/contract/context";
import { searchParamsOf } from "@/lib/edge/http/json-route";
import { readRoute } from "@/lib/edge/http/read-route";
import {
  compareQuerySchema,
  loadComparison,
  parseAnnotationId,
} from "@/lib/query/views/annotations";

export const dynamic = "force-dynamic";

export const GET = readRoute<{ params: Promise<{ id: string }> }>(async (req, ctx) => {
  const id = parseAnnotationId((await ctx.params).id);
  const q = compareQuerySchema.parse(searchParamsOf(req));
  const comparison = await loadComparison(readContext(), id, q);
  return NextResponse.json(comparison, { headers: { "cache-control": "no-store" } });
});
