import { NextResponse } from "next/server";
import { readContext } from "@/lib/contract/context";
import { parseKeyId } from "@/lib/query/params/action-schemas";
import { readRoute } from "@/lib/edge/http/read-route";
import { loadKeyLifecycle } from "@/lib/query/views/keys";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

export const GET = readRoute<Ctx>(async (_req, ctx) => {
  const { id } = await ctx.params;
  const lifecycle = await loadKeyLifecycle(readContext(), { id: parseKeyId(id) });
  return NextResponse.json(lifecycle, { headers: { "cache-control": "no-store" } });
});
