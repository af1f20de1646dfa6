import { NextResponse } from "next/server";
import { readContext } from "@/lib/db/context";
import { parseKeyId } from "@/lib/http/action-schemas";
import { readRoute } from "@/lib/http/read-route";
import { loadKeyLifecycle } from "@/lib/views/keys";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

export const GET = readRoute<Ctx>(async (_req, ctx) => {
  const { id } = await ctx.params;
  const lifecycle = await loadKeyLifecycle(readContext(), { id: parseKeyId(id) });
  return NextResponse.json(lifecycle, { headers: { "cache-control": "no-store" } });
});
