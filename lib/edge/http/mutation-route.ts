// The wrapper every mutating /api route goes through: verified identity, origin check for
// browser-borne credentials, a size-limited JSON body validated by zod, errors as JSON. The
// role itself is checked again in the data layer by the action (lib/auth/authorize.ts).
import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import type { z } from "zod";
import { config } from "../../core/config";
import { assertOperator, type Operator } from "../../auth/authorize";
import { assertSameOrigin } from "../../auth/origin";
import { identityFromHeaders } from "../../auth/request-identity";
import { forgetShared } from "../../query/store/shared-cache";
import { ApiError } from "./errors";
import { jsonRoute } from "./json-route";

export const MAX_BODY_BYTES = 16 * 1024;

type MutationHandler<C, B> = (input: {
  req: NextRequest;
  ctx: C;
  actor: Operator;
  body: B;
}) => Promise<Response>;

async function readJsonBody(req: NextRequest): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiError(415, "unsupported_media_type", "Send the body as application/json.");
  }
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) throw tooLarge();
      chunks.push(chunk);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_request", "The body is not valid JSON.");
  }
}

function tooLarge(): ApiError {
  return new ApiError(413, "payload_too_large", `The body is larger than ${MAX_BODY_BYTES} bytes.`);
}

export function mutationRoute<C, B>(
  schema: z.ZodType<B>,
  handler: MutationHandler<C, B>,
): (req: NextRequest, ctx: C) => Promise<Response> {
  return jsonRoute(async (req, ctx) => {
    const auth = config().auth;
    const actor = identityFromHeaders(req.headers);
    if (actor?.ambient) assertSameOrigin(req.headers, auth);
    assertOperator(actor, auth);
    const body = schema.parse(await readJsonBody(req));
    const res = await handler({ req, ctx, actor, body });
    // lists this change shows in: fresh on the next poll in this process
    forgetShared("stuck:", "audit:", "overview:");
    return res;
  });
}

/** GET (and the other verbs) on a mutating route: 405 with the verb to use. */
export function onlyPost(): Response {
  return NextResponse.json(
    { error: "method_not_allowed", message: "Use POST for this route." },
    { status: 405, headers: { allow: "POST", "cache-control": "no-store" } },
  );
}
