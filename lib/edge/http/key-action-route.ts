// POST /api/v1/keys/{id}/release and …/fail: one handler, two actions.
import "server-only";
import { NextResponse } from "next/server";
import type { z } from "zod";
import { actOnKey } from "../../act/stuck-actions";
import type { KeyAction } from "../../client/api-types/actions";
import { writeContext } from "../../contract/context";
import { keyActionBody, parseKeyId } from "../../query/params/action-schemas";
import { mutationRoute } from "./mutation-route";

type Ctx = { params: Promise<{ id: string }> };

export function keyActionRoute(action: KeyAction) {
  return mutationRoute<Ctx, z.infer<typeof keyActionBody>>(
    keyActionBody,
    async ({ ctx, actor, body }) => {
      const { id } = await ctx.params;
      const result = await actOnKey(writeContext(), {
        action,
        id: parseKeyId(id),
        reason: body.reason,
        actor,
      });
      return NextResponse.json(result, { headers: { "cache-control": "no-store" } });
    },
  );
}
