// The key lifecycle on real PostgreSQL: the row, every event, operator actions, the duplicate
// explanation, a purged key from events alone, and the audited reveal of a stored response.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revealResponse } from "../../../lib/act/reveal-response";
import type { Identity } from "../../../lib/auth/identity";
import { parseConfig } from "../../../lib/core/config";
import { errorResponse } from "../../../lib/edge/http/errors";
import { getKeyLifecycle } from "../../../lib/query/store/lifecycle";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
const cfg = parseConfig({ IDEMSCOPE_TRACE_URL: "https://tempo.example/trace/{traceId}" });
const P = "POST /v1/payments";
const operator: Identity = {
  name: "olga",
  role: "operator",
  method: "proxy",
  email: null,
  groups: [],
  ambient: true,
};
let liveId: string;

async function ev(key: string, secondsAgo: number, kind: string, instance: string, code?: number) {
  await store.pool.query(
    `INSERT INTO ${store.t.events} (at, key_id, scope, endpoint, key, kind, request_hash, response_code, latency_ms, instance, trace_id)
     VALUES (now() - make_interval(secs => $1), $2, 'acme', $3, $4, $5, $6, $7, 12.5, $8, $9)`,
    [
      secondsAgo,
      key === "ord-7781" ? liveId : "999",
      P,
      key,
      kind,
      kind === "mismatch" ? "h-other" : "h-1",
      code ?? null,
      instance,
      `trace-${kind}`,
    ],
  );
}

beforeAll(async () => {
  store = await createTestStore();
  const r = await store.pool.query<{ id: string }>(
    `INSERT INTO ${store.t.keys} (scope, endpoint, key, request_hash, status, response_code, response_body, attempts, created_at, completed_at, expires_at)
     VALUES ('acme', $1, 'ord-7781', 'h-1', 'completed', 201, '{"charge":"ch_1","amount":4200}', 4,
             now() - interval '10 min', now() - interval '4 min', now() + interval '23 hours')
     RETURNING id`,
    [P],
  );
  liveId = r.rows[0]!.id;
  await ev("ord-7781", 600, "claimed", "web-1");
  await ev("ord-7781", 300, "reclaimed", "web-3");
  await ev("ord-7781", 290, "conflict", "web-2", 409);
  await ev("ord-7781", 250, "completed", "web-1", 201);
  await ev("ord-7781", 240, "completed", "web-3", 201);
  await ev("ord-7781", 100, "replayed", "web-2", 201);
  await ev("ord-7781", 90, "mismatch", "web-2", 422);
  // purged: events only
  await ev("gone-1", 5000, "claimed", "web-1");
  await ev("gone-1", 4999, "completed", "web-1", 200);
  await ev("gone-1", 100, "expired", "purger");
});
afterAll(() => store.drop());

describe("getKeyLifecycle", () => {
  it("tells the whole story of a live key, by id or by intent, without its response body", async () => {
    const byId = await getKeyLifecycle(store.ctx(cfg), { id: liveId });
    const byIntent = await getKeyLifecycle(store.ctx(cfg), {
      scope: "acme",
      endpoint: P,
      key: "ord-7781",
    });
    expect(byIntent.events).toEqual(byId.events);
    expect(byId.key).toMatchObject({
      id: liveId,
      status: "completed",
      responseCode: 201,
      attempts: 4,
      stuck: false,
    });
    expect(byId.key?.response?.approxBytes).toBe(64);
    expect(byId.key?.response?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(byId)).not.toContain("ch_1");
    expect(byId.key!.ttlLeftSeconds).toBeGreaterThan(22 * 3600);
    expect(byId.events.map((e) => e.kind)).toEqual([
      "claimed",
      "reclaimed",
      "conflict",
      "completed",
      "completed",
      "replayed",
      "mismatch",
    ]);
    expect(byId.events[0]!.traceUrl).toBe("https://tempo.example/trace/trace-claimed");
    expect(byId.duplicate?.cause).toBe("reclaim");
    expect(byId.duplicate?.summary).toMatch(
      /lock expired after 5 min and instance web-3 reclaimed/,
    );
  });

  it("gives viewers nothing that confirms a guessed body or request offline", async () => {
    // the body as PostgreSQL stores it: what an attacker would hash guess after guess
    const stored = await store.pool.query<{ body: string; bytes: number }>(
      `SELECT response_body::text AS body, octet_length(response_body::text) AS bytes
         FROM ${store.t.keys} WHERE id = $1`,
      [liveId],
    );
    const { body, bytes } = stored.rows[0]!;
    const l = await getKeyLifecycle(store.ctx(cfg), { id: liveId });
    const json = JSON.stringify(l);
    const sha = (s: string) => createHash("sha256").update(s).digest("hex");
    for (const leak of [sha(body), sha(body).slice(0, 16), sha("h-1"), sha("h-other")])
      expect(json).not.toContain(leak);
    expect(json).not.toMatch(new RegExp(`"[a-zA-Z]*[bB]ytes":${bytes}[,}]`));
    // the stored request hashes themselves are not shown either, only keyed fingerprints
    expect(l.key!.requestHash).not.toBe("h-1");
    expect(l.events.map((e) => e.requestHash)).not.toContain("h-1");
    // …which still compare: equal requests, equal fingerprints; the mismatch differs
    const claimed = l.events.find((e) => e.kind === "claimed")!;
    const mismatch = l.events.find((e) => e.kind === "mismatch")!;
    expect(claimed.requestHash).toBe(l.key!.requestHash);
    expect(mismatch.requestHash).not.toBe(l.key!.requestHash);
    // a different key gives different fingerprints: without the server's key, no lookup table
    const other = parseConfig({ IDEMSCOPE_FINGERPRINT_KEY: "k".repeat(40) });
    const l2 = await getKeyLifecycle(store.ctx(other), { id: liveId });
    expect(l2.key!.requestHash).not.toBe(l.key!.requestHash);
    expect(l2.key!.response!.fingerprint).not.toBe(l.key!.response!.fingerprint);
    // and the key the migration stored is the one every process uses (stable across replicas)
    const again = await getKeyLifecycle(store.ctx(cfg), { id: liveId });
    expect(again.key!.response!.fingerprint).toBe(l.key!.response!.fingerprint);
  });

  it("works for a purged key from its events, by intent and by its old id", async () => {
    const l = await getKeyLifecycle(store.ctx(cfg), {
      scope: "acme",
      endpoint: P,
      key: "gone-1",
    });
    expect(l.key).toBeNull();
    expect(l.events.map((e) => e.kind)).toEqual(["claimed", "completed", "expired"]);
    const byOldId = await getKeyLifecycle(store.ctx(cfg), { id: "999" });
    expect(byOldId.intent).toEqual({ scope: "acme", endpoint: P, key: "gone-1" });
  });

  it("404 for a key nobody has seen", async () => {
    for (const ref of [{ id: "123456789" }, { scope: "x", endpoint: P, key: "nope" }]) {
      const err = await getKeyLifecycle(store.ctx(cfg), ref).catch((e: unknown) => e);
      expect(errorResponse(err).status).toBe(404);
    }
  });
});

describe("revealResponse", () => {
  it("needs the operator role and writes its audit row with the body", async () => {
    const viewer = { ...operator, name: "vera", role: "viewer" as const };
    const denied = await revealResponse(store.ctx(cfg), {
      id: liveId,
      reason: "curious",
      actor: viewer,
    }).catch((e: unknown) => e);
    expect(errorResponse(denied).status).toBe(403);
    const r = await revealResponse(store.ctx(cfg), {
      id: liveId,
      reason: "customer says charged twice",
      actor: operator,
    });
    expect(r.body).toEqual({ charge: "ch_1", amount: 4200 });
    expect(r.responseCode).toBe(201);
    const l = await getKeyLifecycle(store.ctx(cfg), { id: liveId });
    expect(l.audit).toHaveLength(1);
    expect(l.audit[0]).toMatchObject({
      action: "reveal",
      actor: "olga",
      reason: "customer says charged twice",
    });
    const missing = await revealResponse(store.ctx(cfg), {
      id: "424242",
      reason: "x",
      actor: operator,
    }).catch((e: unknown) => e);
    expect(errorResponse(missing).status).toBe(404);
  });
});
