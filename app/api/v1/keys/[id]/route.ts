import { NextResponse } from "next/server";
import { config } from "@/lib/config";
import { getPool } from "@/lib/db";
import { parseKeyId } from "@/lib/http/action-schemas";
import { readRoute } from "@/lib/http/read-route";
import { getKeyLifecycle } from "@/lib/store/lifecycle";
import { tableNames } from "@/lib/tables";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

export const GET = readRoute<Ctx>(async (_req, ctx) => {
  const { id } = await ctx.params;
  const lifecycle = await getKeyLifecycle(getPool(), tableNames(), config(), {
    id: parseKeyId(id),
  });
  return NextResponse.json(lifecycle, { headers: { "cache-control": "no-store" } });
});
