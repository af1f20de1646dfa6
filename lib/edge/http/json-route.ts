// The wrapper every /api route handler goes through: errors become JSON with the right status.
import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { ApiError, errorResponse } from "./errors";

type Handler<C> = (req: NextRequest, ctx: C) => Promise<Response>;

export function jsonRoute<C>(handler: Handler<C>): Handler<C> {
  return async (req, ctx) => {
    try {
      return await handler(req, ctx);
    } catch (err) {
      const { status, body } = errorResponse(err);
      return NextResponse.json(body, { status, headers: { "cache-control": "no-store" } });
    }
  };
}

/** Query parameters as a plain object, for zod; a parameter given twice is ambiguous → 400. */
export function searchParamsOf(req: NextRequest): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of req.nextUrl.searchParams.entries()) {
    if (name in params) throw new ApiError(400, "invalid_request", `${name}: given more than once`);
    params[name] = value;
  }
  return params;
}
