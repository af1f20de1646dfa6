// A JSON POST to a route handler, as a caller with a bearer token sends it.
import { NextRequest } from "next/server";

export type RouteHandler = (req: NextRequest, ctx: unknown) => Promise<Response>;

export function postJson(
  handler: RouteHandler,
  path: string,
  body: unknown,
  token: string,
): Promise<Response> {
  return handler(
    new NextRequest(new URL(path, "http://127.0.0.1:3000"), {
      method: "POST",
      headers: {
        host: "127.0.0.1:3000",
        "content-type": "application/json",
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify(body),
    }),
    {},
  );
}
