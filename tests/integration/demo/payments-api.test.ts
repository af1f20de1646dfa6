import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoApi, type DemoApi } from "../../../scripts/demo/payments-api";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
let api: DemoApi;
let n = 0;

beforeAll(async () => {
  store = await createTestStore();
  await store.pool.query("DROP SCHEMA IF EXISTS demo CASCADE").catch(() => undefined);
  api = await startDemoApi(store.pool, store.t);
});
afterAll(async () => {
  await api.close();
  await store.drop();
});

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  n += 1;
  return fetch(api.url + path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-client-id": "acme-web",
      "idempotency-key": `api-${n}`,
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("demo payments API", () => {
  it("creates a payment and replays it for a retry with the same key", async () => {
    const headers = { "idempotency-key": "pay-1" };
    const first = await post("/v1/payments", { amount: 1200 }, headers);
    expect(first.status).toBe(201);
    const body = await first.json();
    const retry = await post("/v1/payments", { amount: 1200 }, headers);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await retry.json()).toEqual(body);
  });

  it("answers malformed requests with 4xx and a message", async () => {
    const cases: [Promise<Response>, number, string][] = [
      [post("/v1/payments", "{not json"), 400, "invalid_json"],
      [post("/v1/payments", { amount: -5 }), 400, "invalid_request"],
      [post("/v1/payments", { amount: 5 }, { "x-client-id": "" }), 400, "client_missing"],
      [
        post("/v1/payments", { amount: 5 }, { "idempotency-key": "" }),
        400,
        "idempotency_key_missing",
      ],
      [
        post("/v1/payments", { amount: 5 }, { "idempotency-key": "x".repeat(300) }),
        400,
        "idempotency_key_too_long",
      ],
      [post("/v1/nope", { amount: 5 }), 404, "not_found"],
      [fetch(api.url + "/v1/payments"), 405, "method_not_allowed"],
      [
        post("/v1/payments", JSON.stringify({ amount: 5, pad: "x".repeat(70_000) })),
        413,
        "body_too_large",
      ],
    ];
    for (const [pending, status, error] of cases) {
      const res = await pending;
      expect(res.status).toBe(status);
      const body = await res.json();
      expect(body.error).toBe(error);
      expect(typeof body.message).toBe("string");
    }
  });

  it("answers 422 when a key is reused with another payload", async () => {
    const headers = { "idempotency-key": "pay-2" };
    expect((await post("/v1/payments", { amount: 100 }, headers)).status).toBe(201);
    const reused = await post("/v1/payments", { amount: 101 }, headers);
    expect(reused.status).toBe(422);
  });

  it("stores a declined payment and replays the decline", async () => {
    const headers = { "idempotency-key": "pay-3" };
    expect((await post("/v1/payments", { amount: 513 }, headers)).status).toBe(402);
    expect((await post("/v1/payments", { amount: 513 }, headers)).status).toBe(402);
  });

  it("leaves a stuck key behind when the worker crashes, and 409s the retry", async () => {
    const headers = { "idempotency-key": "pay-crash", "x-demo-fault": "crash" };
    await expect(post("/v1/payments", { amount: 700 }, headers)).rejects.toThrow();
    const retry = await post("/v1/payments", { amount: 700 }, { "idempotency-key": "pay-crash" });
    expect(retry.status).toBe(409);
    const row = await store.pool.query(
      `SELECT status, locked_at FROM ${store.t.keys} WHERE key = 'pay-crash'`,
    );
    expect(row.rows[0].status).toBe("in_progress");
    expect(row.rows[0].locked_at).not.toBeNull();
  });

  it("completes the work even when the response is dropped", async () => {
    const headers = { "idempotency-key": "pay-drop", "x-demo-fault": "drop" };
    await expect(post("/v1/payments", { amount: 800 }, headers)).rejects.toThrow();
    const retry = await post("/v1/payments", { amount: 800 }, { "idempotency-key": "pay-drop" });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
  });
});

describe("demo chaos switches", () => {
  it("refuses what a page on another site can send: a simple POST, or another Origin (finding 12)", async () => {
    let stopped = 0;
    const chaosApi = await startDemoApi(store.pool, store.t, {
      chaos: {
        stopDatabase: async () => void (stopped += 1),
        startDatabase: async () => undefined,
      },
    });
    try {
      const form = await fetch(`${chaosApi.url}/_demo/database/stop`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "x=1",
      });
      expect(form.status).toBe(415);
      const crossSite = await fetch(`${chaosApi.url}/_demo/database/stop`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: "https://evil.example" },
      });
      expect(crossSite.status).toBe(403);
      expect(stopped).toBe(0);
      const own = await fetch(`${chaosApi.url}/_demo/database/stop`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: chaosApi.url },
      });
      expect(own.status).toBe(200);
      expect(stopped).toBe(1);
    } finally {
      await chaosApi.close();
    }
  });

  it("holds a lock on the stuck samples for the seconds asked, and refuses other values", async () => {
    const noop = async () => undefined;
    const chaosApi = await startDemoApi(store.pool, store.t, {
      chaos: { stopDatabase: noop, startDatabase: noop },
    });
    try {
      for (const bad of ["0", "61", "x", ""]) {
        const res = await fetch(`${chaosApi.url}/_demo/slow-stuck-chart?seconds=${bad}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
        });
        expect(res.status).toBe(400);
        expect((await res.json()).message).toBe("seconds must be 1–60.");
      }
      const res = await fetch(`${chaosApi.url}/_demo/slow-stuck-chart?seconds=1`, {
        method: "POST",
        headers: { "content-type": "application/json" },
      });
      expect(res.status).toBe(200);
      const held = () =>
        store.pool
          .query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
              WHERE c.relname = 'stuck_samples' AND l.mode = 'AccessExclusiveLock' AND l.granted
                AND c.relnamespace = $1::regnamespace`,
            [store.t.own.replaceAll('"', "")],
          )
          .then((r) => r.rows[0]!.n);
      expect(await held()).toBe(1);
      await expect.poll(held, { timeout: 5_000 }).toBe(0);
    } finally {
      await chaosApi.close();
    }
  });
});
