import { NextResponse } from "next/server";
import { readContext } from "@/lib/db/context";
import { searchParamsOf } from "@/lib/http/json-route";
import { readRoute } from "@/lib/http/read-route";
import { compareQuerySchema, loadComparison, parseAnnotationId } from "@/lib/views/annotations";

export const dynamic = "force-dynamic";

export const GET = readRoute<{ params: Promise<{ id: string }> }>(async (req, ctx) => {
  const id = parseAnnotationId((await ctx.params).id);
  const q = compareQuerySchema.parse(searchParamsOf(req));
  const comparison = await loadComparison(readContext(), id, q);
  return NextResponse.json(comparison, { headers: { "cache-control": "no-store" } });
});
