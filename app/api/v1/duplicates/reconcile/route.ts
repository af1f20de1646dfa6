import { NextResponse } from "next/server";
import { reconcileDuplicates } from "@/lib/act/reconcile";
import { writeContext } from "@/lib/contract/context";
import { mutationRoute, onlyPost } from "@/lib/edge/http/mutation-route";
import { forgetShared } from "@/lib/query/store/shared-cache";
import { reconcileBody } from "@/lib/query/views/reconciliation";

export const dynamic = "force-dynamic";

export const POST = mutationRoute(reconcileBody, async ({ actor, body }) => {
  const result = await reconcileDuplicates(writeContext(), actor, body);
  forgetShared("duplicates:", "trends:");
  return NextResponse.json(result, { headers: { "cache-control": "no-store" } });
});
export const GET = onlyPost;
