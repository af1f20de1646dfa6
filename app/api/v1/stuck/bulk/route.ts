import { writeContext } from "@/lib/db/context";
import { NextResponse } from "next/server";
import { actOnStuckKeys } from "@/lib/actions/stuck-actions";
import { bulkBody } from "@/lib/http/action-schemas";
import { mutationRoute, onlyPost } from "@/lib/http/mutation-route";

export const dynamic = "force-dynamic";

export const POST = mutationRoute(bulkBody, async ({ actor, body }) => {
  const result = await actOnStuckKeys(writeContext(), { ...body, actor });
  return NextResponse.json(result, { headers: { "cache-control": "no-store" } });
});
export const GET = onlyPost;
