// The demo's payments/orders HTTP API, made idempotent by the reference writer. Faults are
// injected on request (X-Demo-Fault) so that the simulator decides what goes wrong.
import http from "node:http";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Pool, PoolClient } from "pg";
import { z } from "zod";
import type { TableNames } from "../../lib/contract/tables";
import {
  claimOrAnswer,
  handleIdempotent,
  recordRecoveryPoint,
} from "../../lib/ingest/writer/idempotent-handler";
import { requestFingerprint } from "../../lib/ingest/writer/fingerprint";
import type { IdempotentRequest, IdempotentResponse } from "../../lib/ingest/writer/types";
import { DEMO_ENDPOINTS, DEMO_INSTANCES, type DemoEndpoint } from "./catalog";

const MAX_BODY_BYTES = 64 * 1024;
const LEDGER = "demo.ledger";

const bodySchema = z.object({
  amount: z.number().int().positive().max(1_000_000_000),
  currency: z.string().length(3).default("EUR"),
  reference: z.string().max(200).optional(),
});

export type DemoFault =
  { kind: "none" } | { kind: "crash" } | { kind: "drop" } | { kind: "slow"; ms: number };

export function parseFault(header: string | undefined): DemoFault {
  if (header === "crash" || header === "drop") return { kind: header };
  const slow = /^slow:(\d{1,6})$/.exec(header ?? "");
  if (slow) return { kind: "slow", ms: Number(slow[1]) };
  return { kind: "none" };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body ?? null));
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new HttpError(
        413,
        "body_too_large",
        `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`,
      );
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "invalid_json", "The request body is not valid JSON.");
  }
}

async function bookEntry(
  tx: PoolClient,
  endpoint: DemoEndpoint,
  scope: string,
  body: z.infer<typeof bodySchema>,
  ms: number,
) {
  if (ms > 0) await new Promise((r) => setTimeout(r, ms)); // a slow provider call
  // Amounts ending in 13 are declined: an error response the writer stores and replays.
  if (body.amount % 100 === 13)
    return { status: 402, body: { error: "card_declined", message: "The card was declined." } };
  const row = await tx.query<{ id: string; created_at: Date }>(
    `INSERT INTO ${LEDGER} (scope, endpoint, amount, currency) VALUES ($1, $2, $3, $4) RETURNING id, created_at`,
    [scope, endpoint.name, body.amount, body.currency],
  );
  const id = `${endpoint.path.split("/").pop()?.slice(0, 3)}_${row.rows[0]?.id}`;
  return {
    status: 201,
    body: { id, amount: body.amount, currency: body.currency, created: row.rows[0]?.created_at },
  };
}

export async function ensureLedger(pool: Pool): Promise<void> {
  await pool.query(`CREATE SCHEMA IF NOT EXISTS demo`);
  await pool.query(`CREATE TABLE IF NOT EXISTS ${LEDGER} (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, scope text NOT NULL, endpoint text NOT NULL,
      amount bigint NOT NULL, currency text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
}

async function route(
  pool: Pool,
  t: TableNames,
  req: http.IncomingMessage,
  res: http.ServerResponse,
) {
  const url = new URL(req.url ?? "/", "http://demo");
  const endpoint = DEMO_ENDPOINTS.find((e) => e.path === url.pathname);
  if (!endpoint) throw new HttpError(404, "not_found", `No route ${url.pathname}.`);
  if (req.method !== "POST")
    throw new HttpError(405, "method_not_allowed", `${url.pathname} accepts POST only.`);
  const scope = req.headers["x-client-id"];
  if (typeof scope !== "string" || !scope || scope.length > 200) {
    throw new HttpError(
      400,
      "client_missing",
      "X-Client-Id header (1–200 characters) is required.",
    );
  }
  const parsed = bodySchema.safeParse(await readJson(req));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(
      400,
      "invalid_request",
      `${issue?.path.join(".") || "body"}: ${issue?.message}`,
    );
  }
  const fault = parseFault(req.headers["x-demo-fault"] as string | undefined);
  const key = req.headers["idempotency-key"];
  const request: IdempotentRequest = {
    scope,
    endpoint: endpoint.name,
    key: typeof key === "string" ? key : undefined,
    requestHash: requestFingerprint("POST", endpoint.path, parsed.data),
    instance: DEMO_INSTANCES[Math.floor(Math.random() * DEMO_INSTANCES.length)] as string,
    traceId: randomBytes(16).toString("hex"),
  };
  const policy = {
    ttlSeconds: endpoint.ttlSeconds,
    lockTimeoutSeconds: endpoint.lockTimeoutSeconds,
    effect: endpoint.effect,
  };

  if (fault.kind === "crash") {
    // The worker dies after claiming: the key stays locked until its lock times out.
    const decision = await claimOrAnswer(pool, t, request, policy);
    if (!decision.run) return answer(res, decision.response);
    if (Math.random() < 0.5) await recordRecoveryPoint(pool, t, decision.keyId, "provider_called");
    res.destroy();
    return;
  }
  const slowMs = fault.kind === "slow" ? fault.ms : 0;
  const result = await handleIdempotent(pool, t, request, policy, (tx) =>
    bookEntry(tx, endpoint, scope, parsed.data, slowMs),
  );
  if (fault.kind === "drop") {
    res.destroy(); // the work is done, but the client never hears back
    return;
  }
  answer(res, result);
}

function answer(res: http.ServerResponse, r: IdempotentResponse) {
  send(res, r.status, r.body, r.outcome === "replayed" ? { "idempotent-replayed": "true" } : {});
}

export type DemoApi = { url: string; close: () => Promise<void> };

/** Demo-only chaos switches (loopback, opt-in): stop and start the database to see outages. */
export type ChaosControl = {
  stopDatabase: () => Promise<void>;
  startDatabase: () => Promise<void>;
};

async function chaos(
  control: ChaosControl,
  slow: (seconds: number) => Promise<void>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
) {
  if (req.method !== "POST") throw new HttpError(405, "method_not_allowed", "POST only.");
  // a page on another site can send a simple POST (a form, text/plain) to loopback; JSON needs a
  // preflight this server never grants, and a browser's Origin must be this server's own
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json")
    throw new HttpError(415, "unsupported_media_type", "Send content-type: application/json.");
  const origin = req.headers.origin;
  if (origin !== undefined && new URL(origin).host !== req.headers.host)
    throw new HttpError(403, "cross_origin", "Chaos control takes no cross-origin requests.");
  const url = new URL(req.url ?? "/", "http://demo");
  if (url.pathname === "/_demo/database/stop") await control.stopDatabase();
  else if (url.pathname === "/_demo/database/start") await control.startDatabase();
  else if (url.pathname === "/_demo/slow-stuck-chart") {
    const seconds = Number(url.searchParams.get("seconds"));
    if (!(seconds > 0 && seconds <= 60))
      throw new HttpError(400, "invalid_request", "seconds must be 1–60.");
    await slow(seconds);
  } else throw new HttpError(404, "not_found", `No route ${url.pathname}.`);
  send(res, 200, { ok: true });
}

/**
 * One slow panel: another session holds a lock on the Overview's stuck-key samples for a while,
 * so that panel's query runs into the dashboard's statement timeout and the rest does not.
 * Answers once the lock is held.
 */
async function lockStuckSamples(pool: Pool, t: TableNames, seconds: number): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(`LOCK TABLE ${t.ownTable("stuck_samples")} IN ACCESS EXCLUSIVE MODE`);
  } catch (err) {
    client.release(true); // inside a failed transaction: not fit to go back to the pool
    throw err;
  }
  setTimeout(() => {
    client
      .query("ROLLBACK")
      .catch(() => undefined)
      .finally(() => client.release());
  }, seconds * 1000);
}

export async function startDemoApi(
  pool: Pool,
  t: TableNames,
  options: { port?: number; chaos?: ChaosControl } = {},
): Promise<DemoApi> {
  await ensureLedger(pool);
  const server = http.createServer((req, res) => {
    const handling =
      options.chaos && req.url?.startsWith("/_demo/")
        ? chaos(options.chaos, (seconds) => lockStuckSamples(pool, t, seconds), req, res)
        : route(pool, t, req, res);
    handling.catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (err instanceof HttpError)
        return send(res, err.status, { error: err.code, message: err.message });
      send(res, 503, { error: "unavailable", message: "The service is unavailable; retry later." });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
