import { readContext } from "@/lib/db/context";
import { NextResponse } from "next/server";
import { parseKeyId } from "@/lib/http/action-schemas";
import { readRoute } from "@/lib/http/read-route";
import { getKeyLifecycle } from "@/lib/store/lifecycle";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

export const GET = readRoute<Ctx>(async (_req, ctx) => {
  const { id } = await ctx.params;
  const lifecycle = await getKeyLifecycle(readContext(), {
    id: parseKeyId(id),
  });
  return NextResponse.json(lifecycle, { headers: { "cache-control": "no-store" } });
});
