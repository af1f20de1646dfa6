import { NextResponse } from "next/server";
import { actOnStuckKeys } from "@/lib/actions/stuck-actions";
import { config } from "@/lib/config";
import { getWritePool } from "@/lib/db";
import { bulkBody } from "@/lib/http/action-schemas";
import { mutationRoute, onlyPost } from "@/lib/http/mutation-route";
import { tableNames } from "@/lib/tables";

export const dynamic = "force-dynamic";

export const POST = mutationRoute(bulkBody, async ({ actor, body }) => {
  const result = await actOnStuckKeys(getWritePool(), tableNames(), config(), { ...body, actor });
  return NextResponse.json(result, { headers: { "cache-control": "no-store" } });
});
export const GET = onlyPost;
