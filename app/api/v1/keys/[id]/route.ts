import { NextResponse } from "next/server";
import { config } from "@/lib/config";
import { getPool } from "@/lib/db";
import { keyIdSchema } from "@/lib/http/action-schemas";
import { ApiError } from "@/lib/http/errors";
import { readRoute } from "@/lib/http/read-route";
import { getKeyLifecycle } from "@/lib/store/lifecycle";
import { tableNames } from "@/lib/tables";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

export const GET = readRoute<Ctx>(async (_req, ctx) => {
  const { id } = await ctx.params;
  const parsed = keyIdSchema.safeParse(id);
  if (!parsed.success)
    throw new ApiError(400, "invalid_request", "id: a key id is a positive integer");
  const lifecycle = await getKeyLifecycle(getPool(), tableNames(), config(), { id: parsed.data });
  return NextResponse.json(lifecycle, { headers: { "cache-control": "no-store" } });
});
