import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PoolClient } from "pg";
import { createTestStore, type TestStore } from "../../helpers/store";
import {
  claimOrAnswer,
  executeClaimed,
  handleIdempotent,
} from "../../../lib/ingest/writer/idempotent-handler";
import { requestFingerprint } from "../../../lib/ingest/writer/fingerprint";
import type { IdempotentRequest, WriterPolicy } from "../../../lib/ingest/writer/types";

let store: TestStore;
const policy: WriterPolicy = { lockTimeoutSeconds: 300, ttlSeconds: 3600 };
let seq = 0;

beforeAll(async () => {
  store = await createTestStore({ poolMax: 40 });
  await store.pool.query(`CREATE TABLE ${store.schema}.charges (id serial PRIMARY KEY, ref text)`);
});
afterAll(() => store.drop());
beforeEach(() => {
  seq += 1;
});

function request(body: unknown, overrides: Partial<IdempotentRequest> = {}): IdempotentRequest {
  return {
    scope: "acme",
    endpoint: "POST /v1/payments",
    key: `key-${seq}`,
    requestHash: requestFingerprint("POST", "/v1/payments", body),
    instance: "web-1",
    ...overrides,
  };
}

async function charge(tx: PoolClient, ref: string) {
  await tx.query(`INSERT INTO ${store.schema}.charges (ref) VALUES ($1)`, [ref]);
  return { status: 201, body: { charged: ref } };
}

async function chargesFor(ref: string): Promise<number> {
  const r = await store.pool.query(
    `SELECT count(*)::int AS n FROM ${store.schema}.charges WHERE ref = $1`,
    [ref],
  );
  return r.rows[0].n;
}

async function eventsFor(key: string): Promise<string[]> {
  const r = await store.pool.query(
    `SELECT kind FROM ${store.t.events} WHERE key = $1 ORDER BY id`,
    [key],
  );
  return r.rows.map((row) => row.kind);
}

describe("reference writer", () => {
  it("executes once, then replays the stored response on retry", async () => {
    const req = request({ amount: 10 });
    const first = await handleIdempotent(store.pool, store.t, req, policy, (tx) =>
      charge(tx, req.key!),
    );
    expect(first).toMatchObject({ status: 201, outcome: "executed", body: { charged: req.key } });
    const retry = await handleIdempotent(store.pool, store.t, req, policy, (tx) =>
      charge(tx, req.key!),
    );
    expect(retry).toMatchObject({ status: 201, outcome: "replayed", body: { charged: req.key } });
    expect(await chargesFor(req.key!)).toBe(1);
    expect(await eventsFor(req.key!)).toEqual(["claimed", "completed", "replayed"]);
    const row = await store.pool.query(
      `SELECT status, attempts, response_code, locked_at FROM ${store.t.keys} WHERE key = $1`,
      [req.key],
    );
    expect(row.rows[0]).toMatchObject({
      status: "completed",
      attempts: 2,
      response_code: 201,
      locked_at: null,
    });
    const latency = await store.pool.query(
      `SELECT latency_ms FROM ${store.t.events} WHERE key = $1 AND kind = 'replayed'`,
      [req.key],
    );
    expect(latency.rows[0].latency_ms).toBeGreaterThan(0);
    // the claim is timed too: the unique insert alone, well under the whole request
    const claim = await store.pool.query(
      `SELECT latency_ms FROM ${store.t.events} WHERE key = $1 AND kind = 'claimed'`,
      [req.key],
    );
    expect(claim.rows[0].latency_ms).toBeGreaterThan(0);
    expect(claim.rows[0].latency_ms).toBeLessThan(1000);
  });

  it("treats the same payload with another key order as the same request", () => {
    expect(requestFingerprint("POST", "/x", { a: 1, b: { c: 2, d: 3 } })).toBe(
      requestFingerprint("post", "/x", { b: { d: 3, c: 2 }, a: 1 }),
    );
    expect(requestFingerprint("POST", "/x", { a: 1 })).not.toBe(
      requestFingerprint("POST", "/x", { a: 2 }),
    );
  });

  it("answers 422 for a reused key with a different payload, without running the work", async () => {
    const req = request({ amount: 10 });
    await handleIdempotent(store.pool, store.t, req, policy, (tx) => charge(tx, req.key!));
    const other = {
      ...req,
      requestHash: requestFingerprint("POST", "/v1/payments", { amount: 99 }),
    };
    const res = await handleIdempotent(store.pool, store.t, other, policy, (tx) =>
      charge(tx, req.key!),
    );
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: "idempotency_key_reused" });
    expect(await chargesFor(req.key!)).toBe(1);
    expect(await eventsFor(req.key!)).toEqual(["claimed", "completed", "mismatch"]);
  });

  it("answers 400 for a missing or over-long key and records nothing", async () => {
    const missing = await handleIdempotent(
      store.pool,
      store.t,
      request({}, { key: undefined }),
      policy,
      (tx) => charge(tx, "x"),
    );
    expect(missing).toMatchObject({ status: 400, body: { error: "idempotency_key_missing" } });
    const long = await handleIdempotent(
      store.pool,
      store.t,
      request({}, { key: "k".repeat(256) }),
      policy,
      (tx) => charge(tx, "x"),
    );
    expect(long).toMatchObject({ status: 400, body: { error: "idempotency_key_too_long" } });
    // 255 characters (multi-byte ones too) are accepted
    const okKey = "é".repeat(255);
    const ok = await handleIdempotent(
      store.pool,
      store.t,
      request({}, { key: okKey }),
      policy,
      (tx) => charge(tx, okKey),
    );
    expect(ok.status).toBe(201);
    expect(await chargesFor("x")).toBe(0);
  });

  it("answers 409 while the key is in progress", async () => {
    const req = request({ amount: 5 });
    const claim = await claimOrAnswer(store.pool, store.t, req, policy);
    expect(claim.run).toBe(true);
    const during = await handleIdempotent(store.pool, store.t, req, policy, (tx) =>
      charge(tx, req.key!),
    );
    expect(during).toMatchObject({ status: 409, body: { error: "request_in_progress" } });
    expect(await chargesFor(req.key!)).toBe(0);
    expect(await eventsFor(req.key!)).toEqual(["claimed", "conflict"]);
  });

  it("stores error responses and replays them", async () => {
    const req = request({ amount: -1 });
    const declined = async () => ({ status: 402, body: { error: "card_declined" } });
    expect((await handleIdempotent(store.pool, store.t, req, policy, declined)).status).toBe(402);
    const retry = await handleIdempotent(store.pool, store.t, req, policy, (tx) =>
      charge(tx, req.key!),
    );
    expect(retry).toMatchObject({
      status: 402,
      outcome: "replayed",
      body: { error: "card_declined" },
    });
    expect(await eventsFor(req.key!)).toEqual(["claimed", "failed", "replayed"]);
  });

  it("reclaims a key whose lock expired, and fences the old worker out", async () => {
    const req = request({ amount: 7 });
    const claim = await claimOrAnswer(store.pool, store.t, req, policy);
    if (!claim.run) throw new Error("expected a claim");
    await store.pool.query(
      `UPDATE ${store.t.keys} SET locked_at = now() - interval '10 minutes' WHERE id = $1`,
      [claim.keyId],
    );
    const retry = await handleIdempotent(
      store.pool,
      store.t,
      { ...req, instance: "web-2" },
      policy,
      (tx) => charge(tx, req.key!),
    );
    expect(retry).toMatchObject({ status: 201, outcome: "executed" });
    // the first worker finally finishes: its business write is rolled back
    const late = await executeClaimed(store.pool, store.t, req, claim.keyId, policy, (tx) =>
      charge(tx, req.key!),
    );
    expect(late).toMatchObject({ status: 409, outcome: "lock_lost" });
    expect(await chargesFor(req.key!)).toBe(1);
    expect(await eventsFor(req.key!)).toEqual(["claimed", "reclaimed", "completed"]);
  });

  it("records a duplicate success when a reclaimed worker's effect was external", async () => {
    const external: WriterPolicy = { ...policy, effect: "external" };
    const req = request({ amount: 8 });
    const claim = await claimOrAnswer(store.pool, store.t, req, external);
    if (!claim.run) throw new Error("expected a claim");
    await store.pool.query(
      `UPDATE ${store.t.keys} SET locked_at = now() - interval '10 minutes' WHERE id = $1`,
      [claim.keyId],
    );
    await handleIdempotent(store.pool, store.t, { ...req, instance: "web-2" }, external, (tx) =>
      charge(tx, req.key!),
    );
    const late = await executeClaimed(store.pool, store.t, req, claim.keyId, external, (tx) =>
      charge(tx, req.key!),
    );
    expect(late.status).toBe(201);
    expect(await eventsFor(req.key!)).toEqual(["claimed", "reclaimed", "completed", "completed"]);
  });

  it("unlocks a key whose work threw, so that the retry runs it again", async () => {
    const req = request({ amount: 3 });
    const boom = await handleIdempotent(store.pool, store.t, req, policy, async () => {
      throw new Error("boom");
    });
    expect(boom).toMatchObject({ status: 500, body: { error: "internal" } });
    const retry = await handleIdempotent(store.pool, store.t, req, policy, (tx) =>
      charge(tx, req.key!),
    );
    expect(retry).toMatchObject({ status: 201, outcome: "executed" });
    expect(await eventsFor(req.key!)).toEqual(["claimed", "reclaimed", "completed"]);
  });

  it("treats a key past expires_at as new work and records its expiry", async () => {
    const req = request({ amount: 4 });
    await handleIdempotent(store.pool, store.t, req, policy, (tx) => charge(tx, req.key!));
    await store.pool.query(
      `UPDATE ${store.t.keys} SET expires_at = now() - interval '1 second' WHERE key = $1`,
      [req.key],
    );
    const late = await handleIdempotent(store.pool, store.t, req, policy, (tx) =>
      charge(tx, req.key!),
    );
    expect(late.outcome).toBe("executed");
    expect(await chargesFor(req.key!)).toBe(2);
    expect(await eventsFor(req.key!)).toEqual([
      "claimed",
      "completed",
      "expired",
      "claimed",
      "completed",
    ]);
  });

  it("executes exactly once under 30 parallel identical requests", async () => {
    const req = request({ amount: 42 });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        handleIdempotent(
          store.pool,
          store.t,
          { ...req, instance: `web-${i}` },
          policy,
          async (tx) => {
            await new Promise((r) => setTimeout(r, 20)); // widen the race window
            return charge(tx, req.key!);
          },
        ),
      ),
    );
    expect(await chargesFor(req.key!)).toBe(1);
    expect(results.filter((r) => r.outcome === "executed")).toHaveLength(1);
    for (const r of results) expect([201, 409]).toContain(r.status);
    const kinds = await eventsFor(req.key!);
    expect(kinds.filter((k) => k === "claimed")).toHaveLength(1);
    expect(kinds.filter((k) => k === "completed")).toHaveLength(1);
    // one event per request, plus the completion
    expect(kinds).toHaveLength(31);
  });
});
