// rocket-rides' POST /rides as an HTTP service over its own statements (./writers/stripe-style.ts),
// answering as the IETF Idempotency-Key draft asks: the stored response with
// `Idempotent-Replayed: true` for a replay, 409 for a key still in progress, 422 for a key reused
// with other parameters (rocket-rides itself answers 409 for both). The demo and the span tests
// run it traced by OpenTelemetry (./traced-rides-service.ts): its replays, 409s and 422s write
// nothing to the table, so only its spans tell idemscope about them.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Pool } from "pg";
import { postRide, type RideRequest, type RideResponse } from "./writers/stripe-style";

/** Header the simulator sets to make this request's worker crash or fail mid-request. */
export const FAULT_HEADER = "x-demo-fault";
const MAX_BODY_BYTES = 64 * 1024;
/** The test clock's routes, served only for a store in memory (`RideClock`). */
const CLOCK_ROUTES = /^\/_clock\/(age-lock|expire)$/;

export type RidesApi = { url: string; close: () => Promise<void> };

/** Called with the client's id while the request is handled (the service's span gets it). */
export type OnClient = (userId: number) => void;

async function readBody(req: http.IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function statusOf(r: RideResponse): number {
  if (r.outcome === "mismatch") return 422;
  if (r.outcome === "error") return 500;
  return r.status;
}

/** Answers one ride request: rocket-rides' statements on its table, or a store in memory. */
export type RideHandler = (req: RideRequest) => Promise<RideResponse>;

/** The scenario's clock on a store only the service can reach (./writers/memory-store.ts). */
export type RideClock = {
  ageLock: (userId: number, key: string) => void;
  expire: (userId: number, key: string) => void;
};

/** rocket-rides' handler on its PostgreSQL table. */
export const ridesOnTable =
  (pool: Pool, table: string): RideHandler =>
  (req) =>
    postRide(pool, table, req);

export async function startRidesApi(
  handle: RideHandler,
  o: { port?: number; onClient?: OnClient; clock?: RideClock } = {},
): Promise<RidesApi> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        // setHeader, not writeHead's object: only set headers are visible to the tracer
        for (const [k, v] of Object.entries({ "content-type": "application/json", ...headers }))
          res.setHeader(k, v);
        res.writeHead(status);
        res.end(JSON.stringify(body));
      };
      const clock = o.clock && CLOCK_ROUTES.exec(req.url ?? "")?.[1];
      if (req.method === "POST" && o.clock && clock) {
        // no Idempotency-Key: idemscope drops these spans, as it should (they are the test's clock)
        const body = await readBody(req);
        const userId = Number(body?.userId);
        if (typeof body?.key !== "string" || !Number.isInteger(userId))
          return send(400, { error: "invalid_body", message: "send { userId, key }" });
        o.clock[clock === "age-lock" ? "ageLock" : "expire"](userId, body.key);
        return send(200, { ok: true });
      }
      if (req.method !== "POST" || req.url !== "/rides")
        return send(404, { error: "not_found", message: "POST /rides is the only route" });
      const key = req.headers["idempotency-key"];
      const userId = Number(req.headers["x-user-id"]);
      if (typeof key !== "string" || key.length === 0 || key.length > 100)
        return send(400, {
          error: "idempotency_key_required",
          message: "send an Idempotency-Key (1–100 characters)",
        });
      if (!Number.isInteger(userId) || userId <= 0)
        return send(401, {
          error: "unauthenticated",
          message: "send X-User-Id (a positive integer)",
        });
      o.onClient?.(userId);
      const params = await readBody(req);
      if (!params)
        return send(400, { error: "invalid_body", message: "the body is a JSON object" });
      const fault = req.headers[FAULT_HEADER];
      const r = await handle({
        userId,
        key,
        params,
        crashAfter: fault === "crash" ? "ride_created" : undefined,
        raiseError: fault === "error",
      });
      // the worker died: the client sees the connection drop, the key stays locked. The status
      // is set first: instrumentation-http records an aborted response's default 200 otherwise,
      // and spans alone would take the crash for a success
      if (r.outcome === "crashed") {
        res.statusCode = 500;
        return void res.socket?.destroy();
      }
      send(
        statusOf(r),
        { outcome: r.outcome },
        {
          ...(r.outcome === "replayed" ? { "idempotent-replayed": "true" } : {}),
          ...(r.resumed ? { "x-resumed": "true" } : {}),
        },
      );
    })().catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "internal", message: err.message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
