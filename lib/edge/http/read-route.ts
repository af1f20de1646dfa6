// The wrapper of every read under /api/v1: the caller needs an identity (any role) when
// anonymous access is off, then errors become JSON like everywhere else.
import "server-only";
import type { NextRequest } from "next/server";
import { identityFromHeaders } from "../../auth/request-identity";
import { ApiError } from "./errors";
import { jsonRoute } from "./json-route";

export function readRoute<C>(
  handler: (req: NextRequest, ctx: C) => Promise<Response>,
): (req: NextRequest, ctx: C) => Promise<Response> {
  return jsonRoute(async (req, ctx) => {
    if (!identityFromHeaders(req.headers)) {
      throw new ApiError(401, "unauthorized", "Sign in (or send a bearer token) to read this.");
    }
    return handler(req, ctx);
  });
}
