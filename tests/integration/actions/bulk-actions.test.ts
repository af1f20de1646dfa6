// Bulk release/fail by filter on real PostgreSQL: preview, cap, SKIP LOCKED, all-or-nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { actOnStuckKeys } from "../../../lib/act/stuck-actions";
import type { Identity } from "../../../lib/auth/identity";
import { parseConfig } from "../../../lib/core/config";
import { errorResponse } from "../../../lib/edge/http/errors";
import { listAudit } from "../../../lib/query/store/audit";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
const cfg = parseConfig({});
const P = "POST /v1/payments";
const O = "POST /v1/orders";
const operator: Identity = {
  name: "token:pager",
  role: "operator",
  method: "token",
  email: null,
  groups: [],
  ambient: false,
};

beforeAll(async () => {
  store = await createTestStore();
});
afterAll(() => store.drop());
beforeEach(async () => {
  await store.pool.query(
    `TRUNCATE ${store.t.keys}, ${store.t.events}, ${store.t.ownTable("audit_log")}`,
  );
});

/** n stuck keys on an endpoint, locked 10 min + i s ago, in one statement. */
async function stuckKeys(endpoint: string, n: number, prefix: string, lockedSecondsAgo = 600) {
  await store.pool.query(
    `INSERT INTO ${store.t.keys} (scope, endpoint, key, request_hash, status, locked_at, lock_owner, expires_at)
     SELECT 'acme', $1, $2 || i, 'h', 'in_progress', now() - make_interval(secs => $3 + i), 'web-1', now() + interval '1 day'
       FROM generate_series(1, $4) AS i`,
    [endpoint, prefix, lockedSecondsAgo, n],
  );
}

async function count(sql: string): Promise<number> {
  const r = await store.pool.query<{ n: number }>(sql);
  return r.rows[0]!.n;
}
const stillLocked = () =>
  count(`SELECT count(*)::int AS n FROM ${store.t.keys} WHERE locked_at IS NOT NULL`);
const auditCount = () => count(`SELECT count(*)::int AS n FROM ${store.t.ownTable("audit_log")}`);
const eventCount = () => count(`SELECT count(*)::int AS n FROM ${store.t.events}`);

describe("bulk release/fail", () => {
  it("previews without changing, then changes exactly the matching keys with one batch id", async () => {
    await stuckKeys(P, 30, "p");
    await stuckKeys(O, 5, "o");
    await stuckKeys(P, 4, "young", 60); // within the lock timeout: not stuck
    const preview = await actOnStuckKeys(store.ctx(cfg), {
      action: "release",
      filter: { endpoint: P, minAgeSeconds: 600 },
      reason: "INC-7",
      dryRun: true,
      actor: operator,
    });
    expect(preview).toMatchObject({
      matched: 30,
      changed: 0,
      wouldChange: 30,
      dryRun: true,
      batchId: null,
    });
    expect(await stillLocked()).toBe(39);
    const run = await actOnStuckKeys(store.ctx(cfg), {
      action: "release",
      filter: { endpoint: P, minAgeSeconds: 600 },
      reason: "INC-7",
      dryRun: false,
      actor: operator,
    });
    expect(run).toMatchObject({ matched: 30, changed: 30, skippedLocked: 0, dryRun: false });
    expect(run.batchId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await stillLocked()).toBe(9);
    expect(await auditCount()).toBe(30);
    expect(await eventCount()).toBe(30);
    const batch = await listAudit(store.ctx(), { batchId: run.batchId! }, { limit: 500 });
    expect(batch.items).toHaveLength(30);
    expect(new Set(batch.items.map((a) => a.endpoint))).toEqual(new Set([P]));
    expect(batch.items.every((a) => a.actor === "token:pager" && a.reason === "INC-7")).toBe(true);
  });

  it("never changes more keys than the operator confirmed, and refuses if more would change", async () => {
    await stuckKeys(P, 5, "p");
    const sso: Identity = { ...operator, name: "olga", method: "proxy", ambient: true };
    const base = { action: "release" as const, filter: { endpoint: P }, reason: "INC-9" };
    // a browser session must say what it confirmed
    const missing = await actOnStuckKeys(store.ctx(cfg), {
      ...base,
      dryRun: false,
      actor: sso,
    }).catch((e: unknown) => e);
    expect(errorResponse(missing)).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/confirmedCount/) },
    });
    // 5 keys previewed and confirmed, then 3 more became stuck: refused, nothing changed
    await stuckKeys(P, 3, "late");
    const refused = await actOnStuckKeys(store.ctx(cfg), {
      ...base,
      dryRun: false,
      confirmedCount: 5,
      actor: sso,
    }).catch((e: unknown) => e);
    expect(errorResponse(refused)).toEqual({
      status: 409,
      body: {
        error: "count_changed",
        message:
          "8 keys would change now, more than the 5 confirmed; nothing was changed. Preview again.",
      },
    });
    expect(await stillLocked()).toBe(8);
    expect(await auditCount()).toBe(0);
    // the count confirmed again: done
    const run = await actOnStuckKeys(store.ctx(cfg), {
      ...base,
      dryRun: false,
      confirmedCount: 8,
      actor: sso,
    });
    expect(run).toMatchObject({ matched: 8, changed: 8 });
    expect(await auditCount()).toBe(8);
  });

  it("a filter matching nothing answers matched 0, no error", async () => {
    await stuckKeys(P, 3, "p");
    const r = await actOnStuckKeys(store.ctx(cfg), {
      action: "fail",
      filter: { endpoint: "POST /v1/nothing" },
      reason: "x",
      dryRun: false,
      actor: operator,
    });
    expect(r).toMatchObject({ matched: 0, changed: 0, batchId: null });
    expect(await auditCount()).toBe(0);
  });

  it("changes at most 1,000 keys per action, oldest first", async () => {
    await stuckKeys(P, 1005, "k");
    const first = await actOnStuckKeys(store.ctx(cfg), {
      action: "fail",
      filter: {},
      reason: "cap",
      dryRun: false,
      actor: operator,
    });
    expect(first).toMatchObject({ matched: 1005, changed: 1000, wouldChange: 1000, cap: 1000 });
    // the 5 youngest are left (k1..k5 are locked 601..605 s ago, the most recent)
    const left = await store.pool.query<{ key: string }>(
      `SELECT key FROM ${store.t.keys} WHERE status = 'in_progress' ORDER BY key`,
    );
    expect(left.rows.map((r) => r.key)).toEqual(["k1", "k2", "k3", "k4", "k5"]);
    const second = await actOnStuckKeys(store.ctx(cfg), {
      action: "fail",
      filter: {},
      reason: "cap",
      dryRun: false,
      actor: operator,
    });
    expect(second).toMatchObject({ matched: 5, changed: 5 });
    expect(await auditCount()).toBe(1005);
  });

  it("skips keys a concurrent writer holds instead of waiting for them", async () => {
    await stuckKeys(P, 10, "p");
    const writer = await store.pool.connect();
    try {
      await writer.query("BEGIN");
      await writer.query(
        `SELECT 1 FROM ${store.t.keys} WHERE key IN ('p1', 'p2', 'p3') FOR UPDATE`,
      );
      const started = Date.now();
      const r = await actOnStuckKeys(store.ctx(cfg), {
        action: "release",
        filter: {},
        reason: "skip",
        dryRun: false,
        actor: operator,
      });
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(r).toMatchObject({ matched: 10, changed: 7, skippedLocked: 3 });
    } finally {
      await writer.query("ROLLBACK");
      writer.release();
    }
    expect(await stillLocked()).toBe(3);
  });

  it("a database error mid-bulk leaves nothing half-applied", async () => {
    await stuckKeys(P, 20, "p");
    // The audit insert fails on the 15th key: the whole statement, and its transaction, rolls back.
    const fn = `${store.t.own}.fail_on_p15`;
    await store.pool.query(
      `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW.key = 'p15' THEN RAISE EXCEPTION 'injected audit failure'; END IF; RETURN NEW; END $$`,
    );
    await store.pool.query(
      `CREATE TRIGGER fail_on_p15 BEFORE INSERT ON ${store.t.ownTable("audit_log")} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
    );
    try {
      await expect(
        actOnStuckKeys(store.ctx(cfg), {
          action: "fail",
          filter: {},
          reason: "boom",
          dryRun: false,
          actor: operator,
        }),
      ).rejects.toThrow(/injected audit failure/);
    } finally {
      await store.pool.query(`DROP TRIGGER fail_on_p15 ON ${store.t.ownTable("audit_log")}`);
      await store.pool.query(`DROP FUNCTION ${fn}()`);
    }
    expect(await stillLocked()).toBe(20);
    expect(
      await count(`SELECT count(*)::int AS n FROM ${store.t.keys} WHERE status <> 'in_progress'`),
    ).toBe(0);
    expect(await auditCount()).toBe(0);
    expect(await eventCount()).toBe(0);
  });
});

describe("audit log listing", () => {
  it("filters by actor and key and pages newest first without repeats", async () => {
    await stuckKeys(P, 12, "a");
    const other: Identity = { ...operator, name: "olga", method: "proxy", ambient: true };
    await actOnStuckKeys(store.ctx(cfg), {
      action: "release",
      filter: {},
      reason: "one",
      dryRun: false,
      actor: operator,
    });
    await stuckKeys(O, 3, "b");
    await actOnStuckKeys(store.ctx(cfg), {
      action: "fail",
      filter: { endpoint: O },
      reason: "two",
      dryRun: false,
      confirmedCount: 3,
      actor: other,
    });
    const byOlga = await listAudit(store.ctx(), { actor: "olga" }, { limit: 50 });
    expect(byOlga.items.map((a) => a.key).sort()).toEqual(["b1", "b2", "b3"]);
    expect(byOlga.items[0]).toMatchObject({ action: "fail", authMethod: "proxy", reason: "two" });
    const byKey = await listAudit(store.ctx(), { key: "a7" }, { limit: 50 });
    expect(byKey.items).toHaveLength(1);
    expect(byKey.items[0]!.before).toMatchObject({ status: "in_progress", lockOwner: "web-1" });
    const seen: string[] = [];
    let cursor: { at: string; id: string } | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await listAudit(store.ctx(), {}, { limit: 4, cursor });
      seen.push(...page.items.map((a) => a.id));
      if (!page.nextCursor) break;
      cursor = JSON.parse(Buffer.from(page.nextCursor, "base64url").toString()) as typeof cursor;
    }
    expect(seen).toHaveLength(15);
    expect(new Set(seen).size).toBe(15);
    expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => b - a));
  });
});
