// Every mutating route × every kind of caller → the expected status, and where refused, not one
// row of the store or the audit log changed. Identity comes from verified sources only: bearer
// tokens, proxy headers from the proxy's address (the peer scripts/serve.ts reports), or nothing.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { insertKey } from "../../helpers/events";
import { useStoreForRoutes } from "../../helpers/route-env";
import { createTestStore, type TestStore } from "../../helpers/store";

const VIEWER = "matrix-viewer-token-0123456789";
const OPERATOR = "matrix-operator-token-0123456789";
const PEER_TOKEN = "matrix-peer-token";
const SELF = "http://127.0.0.1:3000";
type Handler = (req: NextRequest, ctx: unknown) => Promise<Response>;
type Route = "release" | "fail" | "reveal" | "bulk" | "annotate";
const ROUTES: Route[] = ["release", "fail", "reveal", "bulk", "annotate"];
let store: TestStore;

const peer = (address: string) => ({
  "x-idemscope-peer": address,
  "x-idemscope-peer-token": PEER_TOKEN,
});
const sso = (groups: string) => ({
  "x-forwarded-user": "alice",
  "x-forwarded-email": "alice@example.com",
  "x-forwarded-groups": groups,
});

/** caller → headers and the status every mutation must answer (null: allowed) */
const CALLERS: Record<string, { headers: Record<string, string>; status: number | null }> = {
  anonymous: { headers: {}, status: 401 },
  "bad token": { headers: { authorization: "Bearer not-a-token-0123456789" }, status: 401 },
  "viewer token": { headers: { authorization: `Bearer ${VIEWER}` }, status: 403 },
  "operator token": { headers: { authorization: `Bearer ${OPERATOR}` }, status: null },
  "SSO operator, own Origin": {
    headers: { ...peer("10.0.0.5"), ...sso("oncall"), origin: SELF },
    status: null,
  },
  "SSO operator, no Origin": { headers: { ...peer("10.0.0.5"), ...sso("oncall") }, status: 403 },
  "SSO operator, Origin null": {
    headers: { ...peer("10.0.0.5"), ...sso("oncall"), origin: "null" },
    status: 403,
  },
  "SSO operator, foreign Origin": {
    headers: { ...peer("10.0.0.5"), ...sso("oncall"), origin: "https://evil.example" },
    status: 403,
  },
  "SSO viewer, own Origin": {
    headers: { ...peer("10.0.0.5"), ...sso("eng"), origin: SELF },
    status: 403,
  },
  "identity headers from a non-proxy address": {
    headers: { ...peer("203.0.113.9"), ...sso("oncall"), origin: SELF },
    status: 401,
  },
  "identity headers with a forged peer": {
    headers: {
      "x-idemscope-peer": "10.0.0.5",
      "x-idemscope-peer-token": "guess",
      ...sso("oncall"),
      origin: SELF,
    },
    status: 401,
  },
  "anonymous with x-middleware-subrequest": {
    headers: {
      "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware",
      origin: SELF,
    },
    status: 401,
  },
  "viewer token with x-middleware-subrequest": {
    headers: {
      authorization: `Bearer ${VIEWER}`,
      "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware",
    },
    status: 403,
  },
};

async function snapshot(): Promise<string> {
  const r = await store.pool.query<{ s: string }>(
    `SELECT (SELECT md5(coalesce(string_agg(k::text, ',' ORDER BY id), '')) FROM ${store.t.keys} k)
            || (SELECT count(*) FROM ${store.t.events})::text
            || (SELECT count(*) FROM ${store.t.ownTable("audit_log")})::text
            || (SELECT count(*) FROM ${store.t.ownTable("annotations")})::text AS s`,
  );
  return r.rows[0]!.s;
}

let counter = 0;
/** A fresh target per call: a stuck key on its own endpoint (with a stored response to reveal). */
async function target(): Promise<{ id: string; endpoint: string }> {
  const endpoint = `POST /v1/m-${++counter}`;
  const id = await insertKey(store.pool, store.t, {
    endpoint,
    key: `k-${counter}`,
    status: "in_progress",
    lockedSecondsAgo: 3600,
  });
  await store.pool.query(
    `UPDATE ${store.t.keys} SET response_body = '{"ok":true}', response_code = 201 WHERE id = $1`,
    [id],
  );
  return { id, endpoint };
}

async function call(
  handlers: Record<Route, Handler>,
  route: Route,
  headers: Record<string, string>,
  t: { id: string; endpoint: string },
) {
  const body =
    route === "bulk"
      ? { action: "release", filter: { endpoint: t.endpoint }, reason: "matrix", confirmedCount: 1 }
      : route === "annotate"
        ? { text: "deploy matrix", version: "v1" }
        : { reason: "matrix" };
  const path =
    route === "bulk"
      ? "/api/v1/stuck/bulk"
      : route === "annotate"
        ? "/api/v1/annotations"
        : `/api/v1/keys/${t.id}/${route}`;
  const req = new NextRequest(new URL(path, SELF), {
    method: "POST",
    headers: { host: "127.0.0.1:3000", "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return handlers[route](req, { params: Promise.resolve({ id: t.id }) });
}

async function loadHandlers(): Promise<Record<Route, Handler>> {
  const post = async (p: Promise<unknown>) => ((await p) as { POST: Handler }).POST;
  return {
    release: await post(import("../../../app/api/v1/keys/[id]/release/route")),
    fail: await post(import("../../../app/api/v1/keys/[id]/fail/route")),
    reveal: await post(import("../../../app/api/v1/keys/[id]/reveal/route")),
    bulk: await post(import("../../../app/api/v1/stuck/bulk/route")),
    annotate: await post(import("../../../app/api/v1/annotations/route")),
  };
}

const ENV = {
  IDEMSCOPE_TOKENS: `bot:viewer:${VIEWER},pager:operator:${OPERATOR}`,
  IDEMSCOPE_AUTH_PROXY_ADDRESSES: "10.0.0.0/24",
  IDEMSCOPE_AUTH_GROUP_ROLES: "oncall=operator,eng=viewer",
  IDEMSCOPE_PEER_TOKEN: PEER_TOKEN,
};

beforeAll(async () => {
  store = await createTestStore();
});
afterAll(() => store.drop());

describe("authorization matrix", () => {
  let handlers: Record<Route, Handler>;
  beforeAll(async () => {
    useStoreForRoutes(store, { ...ENV, IDEMSCOPE_READ_ONLY: "" });
    vi.resetModules();
    handlers = await loadHandlers();
  });
  const rows = Object.entries(CALLERS).flatMap(([caller, c]) =>
    ROUTES.map((route) => [caller, route, c] as const),
  );
  it.each(rows)("%s → %s", async (_caller, route, c) => {
    const t = await target();
    const before = await snapshot();
    const res = await call(handlers, route, c.headers, t);
    const body = (await res.json()) as { error?: string; message?: string };
    if (c.status === null) {
      expect(res.status, JSON.stringify(body)).toBe(route === "annotate" ? 201 : 200);
      expect(await snapshot()).not.toBe(before);
    } else {
      expect(res.status, JSON.stringify(body)).toBe(c.status);
      expect(body.message?.length ?? 0).toBeGreaterThan(5);
      expect(await snapshot()).toBe(before);
    }
  });
});

describe("read-only mode", () => {
  let handlers: Record<Route, Handler>;
  beforeAll(async () => {
    useStoreForRoutes(store, { ...ENV, IDEMSCOPE_READ_ONLY: "1" });
    vi.resetModules();
    handlers = await loadHandlers();
  });
  it.each(ROUTES)("refuses %s even to an operator, changing nothing", async (route) => {
    for (const caller of ["operator token", "SSO operator, own Origin"]) {
      const t = await target();
      const before = await snapshot();
      const res = await call(handlers, route, CALLERS[caller]!.headers, t);
      expect(res.status, caller).toBe(403);
      expect(((await res.json()) as { error: string }).error).toBe("read_only");
      expect(await snapshot()).toBe(before);
    }
  });
});
