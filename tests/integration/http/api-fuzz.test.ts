// Hostile input against every /api/v1 route handler on real PostgreSQL (property-based): random
// and malicious strings, huge and negative numbers, bad cursors, SQL fragments in every
// parameter; random bodies, wrong content types and oversized bodies on every mutation. Never a
// 5xx; every refusal is a 4xx with an error code and a message.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { insertEvents, insertKey } from "../../helpers/events";
import { getRequest, useStoreForRoutes } from "../../helpers/route-env";
import { createTestStore, type TestStore } from "../../helpers/store";
import { NextRequest } from "next/server";

const TOKEN = "fuzz-operator-token-0123456789";
type Handler = (req: NextRequest, ctx: unknown) => Promise<Response>;
let store: TestStore;

const hostile = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.constantFrom(
    "' OR 1=1 --",
    "1; DROP TABLE idempotency_keys; --",
    "%",
    "_",
    "\\",
    "\u0000",
    "NaN",
    "Infinity",
    "-1",
    "0",
    "1e309",
    "99999999999999999999999",
    "9223372036854775808",
    "-9223372036854775809",
    "1.5",
    "",
    " ",
    "null",
    "[]",
    "{}",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "2026-13-45T99:99:99Z",
    "eyJ0IjoiYWJjIiwiaWQiOiItMSJ9", // base64 of a cursor-shaped object with junk
    "eyJzaW5jZSI6bnVsbH0",
    "!!!not-base64!!!",
    "24h",
    "90d",
  ),
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String),
  fc.string({ minLength: 1000, maxLength: 3000 }),
);

const PARAMS = [
  "range",
  "limit",
  "cursor",
  "sort",
  "dir",
  "key",
  "prefix",
  "client",
  "scope",
  "endpoint",
  "status",
  "from",
  "to",
  "actor",
  "keyId",
  "action",
  "batchId",
  "lockOwner",
  "minAgeSeconds",
  "order",
  "q",
  "mode",
  "kind",
];
const query = fc.dictionary(fc.constantFrom(...PARAMS, "x"), hostile, { maxKeys: 4 });

async function expectClientError(res: Response, what: string) {
  const text = await res.text();
  expect(res.status, `${what} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    expect(typeof body.error, what).toBe("string");
    expect(String(body.message ?? "").length, what).toBeGreaterThan(5);
  }
}

const routes = async () => ({
  overview: (await import("../../../app/api/v1/overview/route")).GET as unknown as Handler,
  stuckSeries: (await import("../../../app/api/v1/overview/stuck-series/route"))
    .GET as unknown as Handler,
  errors: (await import("../../../app/api/v1/overview/errors/route")).GET as unknown as Handler,
  hotKeys: (await import("../../../app/api/v1/overview/hot-keys/route")).GET as unknown as Handler,
  dupList: (await import("../../../app/api/v1/duplicates/route")).GET as unknown as Handler,
  annotations: (await import("../../../app/api/v1/annotations/route")).GET as unknown as Handler,
  trends: (await import("../../../app/api/v1/trends/route")).GET as unknown as Handler,
  store: (await import("../../../app/api/v1/store/route")).GET as unknown as Handler,
  clients: (await import("../../../app/api/v1/clients/route")).GET as unknown as Handler,
  client: (await import("../../../app/api/v1/clients/[scope]/route")).GET as unknown as Handler,
  keys: (await import("../../../app/api/v1/keys/route")).GET as unknown as Handler,
  key: (await import("../../../app/api/v1/keys/[id]/route")).GET as unknown as Handler,
  lookup: (await import("../../../app/api/v1/keys/lookup/route")).GET as unknown as Handler,
  duplicates: (await import("../../../app/api/v1/keys/duplicates/route")).GET as unknown as Handler,
  stuck: (await import("../../../app/api/v1/stuck/route")).GET as unknown as Handler,
  audit: (await import("../../../app/api/v1/audit/route")).GET as unknown as Handler,
  me: (await import("../../../app/api/v1/me/route")).GET as unknown as Handler,
  release: (await import("../../../app/api/v1/keys/[id]/release/route")).POST as unknown as Handler,
  fail: (await import("../../../app/api/v1/keys/[id]/fail/route")).POST as unknown as Handler,
  reveal: (await import("../../../app/api/v1/keys/[id]/reveal/route")).POST as unknown as Handler,
  bulk: (await import("../../../app/api/v1/stuck/bulk/route")).POST as unknown as Handler,
});
let R: Awaited<ReturnType<typeof routes>>;

beforeAll(async () => {
  store = await createTestStore();
  useStoreForRoutes(store, { IDEMSCOPE_TOKENS: `fuzzer:operator:${TOKEN}` });
  await insertEvents(store.pool, store.t, [
    { secondsAgo: 600, scope: "acme", endpoint: "POST /v1/x", key: "k1", kind: "claimed" },
    {
      secondsAgo: 599,
      scope: "acme",
      endpoint: "POST /v1/x",
      key: "k1",
      kind: "completed",
      responseCode: 201,
    },
  ]);
  await collectBatch(store.ctx());
  for (let i = 0; i < 5; i++)
    await insertKey(store.pool, store.t, {
      endpoint: "POST /v1/x",
      key: `stuck-${i}`,
      status: "in_progress",
      lockedSecondsAgo: 3600,
    });
  R = await routes();
}, 60_000);
afterAll(() => store.drop());

const withParams = (path: string, params: Record<string, string>) =>
  `${path}?${new URLSearchParams(params).toString()}`;
const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });
const RUNS = { numRuns: 100, seed: 7 };

describe("hostile query strings on every GET route", () => {
  const cases: [string, string, (p: Record<string, string>, v: string) => Promise<Response>][] = [
    [
      "overview",
      "/api/v1/overview",
      (p) => R.overview(getRequest(withParams("/api/v1/overview", p)), {}),
    ],
    [
      "stuck series",
      "/api/v1/overview/stuck-series",
      (p) => R.stuckSeries(getRequest(withParams("/api/v1/overview/stuck-series", p)), {}),
    ],
    [
      "recent errors",
      "/api/v1/overview/errors",
      (p) => R.errors(getRequest(withParams("/api/v1/overview/errors", p)), {}),
    ],
    [
      "hot keys",
      "/api/v1/overview/hot-keys",
      (p) => R.hotKeys(getRequest(withParams("/api/v1/overview/hot-keys", p)), {}),
    ],
    [
      "duplicates",
      "/api/v1/duplicates",
      (p) => R.dupList(getRequest(withParams("/api/v1/duplicates", p)), {}),
    ],
    [
      "annotations",
      "/api/v1/annotations",
      (p) => R.annotations(getRequest(withParams("/api/v1/annotations", p)), {}),
    ],
    ["trends", "/api/v1/trends", (p) => R.trends(getRequest(withParams("/api/v1/trends", p)), {})],
    ["store", "/api/v1/store", (p) => R.store(getRequest(withParams("/api/v1/store", p)), {})],
    [
      "clients",
      "/api/v1/clients",
      (p) => R.clients(getRequest(withParams("/api/v1/clients", p)), {}),
    ],
    [
      "client",
      "/api/v1/clients/{scope}",
      (p, v) => R.client(getRequest(withParams(`/api/v1/clients/x`, p)), ctx({ scope: v })),
    ],
    ["keys", "/api/v1/keys", (p) => R.keys(getRequest(withParams("/api/v1/keys", p)), {})],
    ["key", "/api/v1/keys/{id}", (_p, v) => R.key(getRequest("/api/v1/keys/x"), ctx({ id: v }))],
    [
      "lookup",
      "/api/v1/keys/lookup",
      (p) => R.lookup(getRequest(withParams("/api/v1/keys/lookup", p)), {}),
    ],
    [
      "duplicates",
      "/api/v1/keys/duplicates",
      (p) => R.duplicates(getRequest(withParams("/api/v1/keys/duplicates", p)), {}),
    ],
    ["stuck", "/api/v1/stuck", (p) => R.stuck(getRequest(withParams("/api/v1/stuck", p)), {})],
    ["audit", "/api/v1/audit", (p) => R.audit(getRequest(withParams("/api/v1/audit", p)), {})],
    ["me", "/api/v1/me", (p) => R.me(getRequest(withParams("/api/v1/me", p)), {})],
  ];
  it.each(cases)("%s never answers 5xx", async (_name, path, call) => {
    await fc.assert(
      fc.asyncProperty(query, hostile, async (params, value) => {
        await expectClientError(
          await call(params, value),
          `${path} ${JSON.stringify(params)} ${JSON.stringify(value).slice(0, 80)}`,
        );
      }),
      RUNS,
    );
  });
});

describe("hostile bodies on every mutation", () => {
  const body = fc.oneof(
    fc.json(),
    fc.string({ maxLength: 100 }),
    fc
      .record(
        { reason: hostile, dryRun: fc.oneof(fc.boolean(), hostile), limit: hostile },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
    fc
      .record({
        reason: fc.string({ minLength: 3, maxLength: 40 }),
        filter: fc.dictionary(
          fc.constantFrom("endpoint", "scope", "lockOwner", "minAgeSeconds", "x"),
          hostile,
        ),
      })
      .map((o) => JSON.stringify(o)),
    fc.constant("x".repeat(17 * 1024)),
    fc.constant(JSON.stringify({ reason: "y".repeat(20_000) })),
  );
  const contentType = fc.constantFrom(
    "application/json",
    "application/json; charset=utf-8",
    "text/plain",
    "",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
  );
  const mutations: [string, Handler][] = [];
  beforeAll(() => {
    mutations.push(
      ["release", R.release],
      ["fail", R.fail],
      ["reveal", R.reveal],
      ["bulk", R.bulk],
    );
  });
  it("release, fail, reveal and bulk never answer 5xx", async () => {
    for (const [name, handler] of mutations) {
      await fc.assert(
        fc.asyncProperty(body, contentType, hostile, async (text, type, id) => {
          const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` };
          if (type) headers["content-type"] = type;
          const req = new NextRequest(new URL(`/api/v1/keys/x/${name}`, "http://127.0.0.1:3000"), {
            method: "POST",
            headers,
            body: text,
          });
          await expectClientError(
            await handler(req, ctx({ id })),
            `${name} ${type} ${text.slice(0, 80)} id=${JSON.stringify(id).slice(0, 40)}`,
          );
        }),
        RUNS,
      );
    }
  });
});
