import { writeContext } from "@/lib/contract/context";
import { NextResponse } from "next/server";
import type { z } from "zod";
import { revealResponse } from "@/lib/act/reveal-response";
import { keyActionBody, parseKeyId } from "@/lib/query/params/action-schemas";
import { mutationRoute, onlyPost } from "@/lib/edge/http/mutation-route";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

// POST, not GET: revealing writes an audit row, and needs the same CSRF defence as a change.
export const POST = mutationRoute<Ctx, z.infer<typeof keyActionBody>>(
  keyActionBody,
  async ({ ctx, actor, body }) => {
    const { id } = await ctx.params;
    const revealed = await revealResponse(writeContext(), {
      id: parseKeyId(id),
      reason: body.reason,
      actor,
    });
    return NextResponse.json(revealed, { headers: { "cache-control": "no-store" } });
  },
);
export const GET = onlyPost;
