import { writeContext } from "@/lib/contract/context";
import { NextResponse } from "next/server";
import { actOnStuckKeys } from "@/lib/act/stuck-actions";
import { bulkBody } from "@/lib/query/params/action-schemas";
import { mutationRoute, onlyPost } from "@/lib/edge/http/mutation-route";

export const dynamic = "force-dynamic";

export const POST = mutationRoute(bulkBody, async ({ actor, body }) => {
  const result = await actOnStuckKeys(writeContext(), { ...body, actor });
  return NextResponse.json(result, { headers: { "cache-control": "no-store" } });
});
export const GET = onlyPost;
