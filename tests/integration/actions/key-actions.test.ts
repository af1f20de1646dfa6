// Release and fail of one key on real PostgreSQL: the conditional update, its event and audit
// row in one transaction, the roles checked in the data layer, and the races that matter.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actOnKey, FAILED_RESPONSE } from "../../../lib/act/stuck-actions";
import { parseConfig } from "../../../lib/core/config";
import { errorResponse } from "../../../lib/edge/http/errors";
import { claimOrAnswer } from "../../../lib/ingest/writer/idempotent-handler";
import { insertKey } from "../../helpers/events";
import { createTestStore, type TestStore } from "../../helpers/store";
import type { Identity } from "../../../lib/auth/identity";
import { proxyOperator } from "../../helpers/identities";

let store: TestStore;
const cfg = parseConfig({});
const P = "POST /v1/payments";

const operator = proxyOperator;
const viewer: Identity = { ...operator, name: "vera", role: "viewer", groups: [] };

beforeAll(async () => {
  store = await createTestStore({ poolMax: 60 });
});
afterAll(() => store.drop());

async function stuckKey(key: string, lockedSecondsAgo = 900): Promise<string> {
  return insertKey(store.pool, store.t, {
    endpoint: P,
    key,
    status: "in_progress",
    lockedSecondsAgo,
  });
}

async function keyRow(id: string) {
  const r = await store.pool.query(`SELECT * FROM ${store.t.keys} WHERE id = $1`, [id]);
  return r.rows[0];
}

async function auditRows(id: string) {
  const r = await store.pool.query(
    `SELECT * FROM ${store.t.ownTable("audit_log")} WHERE key_id = $1 ORDER BY id`,
    [id],
  );
  return r.rows;
}

async function eventKinds(id: string): Promise<string[]> {
  const r = await store.pool.query<{ kind: string }>(
    `SELECT kind FROM ${store.t.events} WHERE key_id = $1 ORDER BY id`,
    [id],
  );
  return r.rows.map((row) => row.kind);
}

async function expectApiError(p: Promise<unknown>, status: number, code: string) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  // the data layer's error, as the API answers it
  const answer = errorResponse(err);
  expect(answer.status).toBe(status);
  expect(answer.body.error).toBe(code);
}

const request = (key: string) => ({
  scope: "acme",
  endpoint: P,
  key,
  requestHash: "h",
  instance: "web-2",
});
const policy = { lockTimeoutSeconds: 300, ttlSeconds: 86_400 };

describe("release", () => {
  it("unlocks a stuck key, keeps its recovery point, and writes its event and audit row", async () => {
    const id = await stuckKey("rel-1");
    await store.pool.query(
      `UPDATE ${store.t.keys} SET recovery_point = 'charge_created' WHERE id = $1`,
      [id],
    );
    const r = await actOnKey(store.ctx(cfg), {
      action: "release",
      id,
      reason: "INC-1: worker OOM-killed",
      actor: operator,
    });
    expect(r.key).toMatchObject({
      id,
      status: "in_progress",
      lockedAt: null,
      lockOwner: null,
      recoveryPoint: "charge_created",
    });
    const row = await keyRow(id);
    expect(row.locked_at).toBeNull();
    expect(row.status).toBe("in_progress");
    expect(await eventKinds(id)).toEqual(["released"]);
    const audit = await auditRows(id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: "olga@example.com",
      actor_role: "operator",
      auth_method: "proxy",
      action: "release",
      reason: "INC-1: worker OOM-killed",
      key: "rel-1",
      endpoint: P,
    });
    expect(audit[0].before).toMatchObject({ status: "in_progress", lockOwner: "web-9" });
    expect(audit[0].after).toMatchObject({
      status: "in_progress",
      lockOwner: null,
      lockedAt: null,
    });
    expect(String(r.auditId)).toBe(String(audit[0].id));
  });

  it("lets the client's next retry run the work again (a reclaim)", async () => {
    const id = await stuckKey("rel-retry");
    await actOnKey(store.ctx(cfg), {
      action: "release",
      id,
      reason: "r",
      actor: operator,
    });
    const decision = await claimOrAnswer(store.pool, store.t, request("rel-retry"), policy);
    expect(decision).toMatchObject({ run: true, kind: "reclaimed", keyId: id });
  });
});

describe("fail", () => {
  it("stores a terminal error that retries replay", async () => {
    const id = await stuckKey("fail-1");
    const r = await actOnKey(store.ctx(cfg), {
      action: "fail",
      id,
      reason: "double charge risk",
      actor: operator,
    });
    expect(r.key).toMatchObject({ status: "failed", responseCode: 500, lockedAt: null });
    const row = await keyRow(id);
    expect(row.response_body).toEqual(FAILED_RESPONSE);
    expect(row.completed_at).not.toBeNull();
    expect(await eventKinds(id)).toEqual(["failed_manually"]);
    const decision = await claimOrAnswer(store.pool, store.t, request("fail-1"), policy);
    expect(decision).toMatchObject({
      run: false,
      response: { status: 500, outcome: "replayed", body: FAILED_RESPONSE },
    });
  });
});

describe("refusals change nothing", () => {
  it("409 not_stuck for a key within its lock timeout or already completed; 404 for no key", async () => {
    const fresh = await stuckKey("fresh", 30);
    await expectApiError(
      actOnKey(store.ctx(cfg), {
        action: "release",
        id: fresh,
        reason: "r",
        actor: operator,
      }),
      409,
      "not_stuck",
    );
    const done = await insertKey(store.pool, store.t, {
      endpoint: P,
      key: "done",
      status: "completed",
      lockedSecondsAgo: null,
      updatedSecondsAgo: 5000,
    });
    await expectApiError(
      actOnKey(store.ctx(cfg), {
        action: "fail",
        id: done,
        reason: "r",
        actor: operator,
      }),
      409,
      "not_stuck",
    );
    await expectApiError(
      actOnKey(store.ctx(cfg), {
        action: "release",
        id: "987654321",
        reason: "r",
        actor: operator,
      }),
      404,
      "not_found",
    );
    expect(await auditRows(fresh)).toEqual([]);
    expect(await auditRows(done)).toEqual([]);
    expect((await keyRow(fresh)).lock_owner).toBe("web-9");
    expect((await keyRow(done)).status).toBe("completed");
  });

  it("the data layer refuses viewers, anonymous callers and read-only mode", async () => {
    const id = await stuckKey("guarded");
    await expectApiError(
      actOnKey(store.ctx(cfg), { action: "release", id, reason: "r", actor: viewer }),
      403,
      "forbidden",
    );
    await expectApiError(
      actOnKey(store.ctx(cfg), { action: "release", id, reason: "r", actor: null }),
      401,
      "unauthorized",
    );
    const readOnly = parseConfig({ IDEMSCOPE_READ_ONLY: "1" });
    await expectApiError(
      actOnKey(store.ctx(readOnly), { action: "fail", id, reason: "r", actor: operator }),
      403,
      "read_only",
    );
    expect((await keyRow(id)).lock_owner).toBe("web-9");
    expect(await auditRows(id)).toEqual([]);
    expect(await eventKinds(id)).toEqual([]);
  });
});

describe("races", () => {
  it("50 concurrent releases of one key: exactly one change, one event, one audit row", async () => {
    const id = await stuckKey("race-50");
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        actOnKey(store.ctx(cfg), {
          action: "release",
          id,
          reason: `attempt ${i}`,
          actor: operator,
        }),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(49);
    for (const r of refused) expect(errorResponse(r.reason).body.error).toBe("not_stuck");
    expect(await auditRows(id)).toHaveLength(1);
    expect(await eventKinds(id)).toEqual(["released"]);
  });

  it("a key its writer completes while the release waits is left untouched (409)", async () => {
    const id = await stuckKey("completes-midway");
    const writer = await store.pool.connect();
    try {
      // The (reclaimed) worker finishes: its transaction holds the row while the operator clicks.
      await writer.query("BEGIN");
      await writer.query(
        `UPDATE ${store.t.keys} SET status = 'completed', response_code = 201, locked_at = NULL,
                lock_owner = NULL, completed_at = now(), updated_at = now() WHERE id = $1`,
        [id],
      );
      const release = actOnKey(store.ctx(cfg), {
        action: "release",
        id,
        reason: "r",
        actor: operator,
      });
      await new Promise((r) => setTimeout(r, 300)); // the release is now waiting for the row
      await writer.query("COMMIT");
      await expectApiError(release, 409, "not_stuck");
    } finally {
      writer.release();
    }
    const row = await keyRow(id);
    expect(row.status).toBe("completed");
    expect(row.response_code).toBe(201);
    expect(await auditRows(id)).toEqual([]);
  });

  it("a writer holding the key for long makes the release give up quickly (409 key_busy)", async () => {
    const id = await stuckKey("held");
    const writer = await store.pool.connect();
    try {
      await writer.query("BEGIN");
      await writer.query(`SELECT 1 FROM ${store.t.keys} WHERE id = $1 FOR UPDATE`, [id]);
      const started = Date.now();
      await expectApiError(
        actOnKey(store.ctx(cfg), { action: "fail", id, reason: "r", actor: operator }),
        409,
        "key_busy",
      );
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await writer.query("ROLLBACK");
      writer.release();
    }
    expect((await keyRow(id)).status).toBe("in_progress");
    expect(await auditRows(id)).toEqual([]);
  });
});
