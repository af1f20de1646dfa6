// Reconciling duplicate successes (metric M5): an operator marks them with an outcome, a reason
// and a reference, audited in the same statement; never twice, not by a viewer, and the open
// count, the oldest's age and the per-month count follow (raw: the events and the audit log).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { parseConfig } from "../../../lib/core/config";
import { readStoreSnapshot } from "../../../lib/query/metrics/store-snapshot";
import { getKeyLifecycle } from "../../../lib/query/store/lifecycle";
import { listDuplicates, reconciliationsPerMonth } from "../../../lib/query/store/reconciliation";
import { insertEvents, type RawEvent } from "../../helpers/events";
import { getRequest, useStoreForRoutes } from "../../helpers/route-env";
import { postJson, type RouteHandler } from "../../helpers/post-json";
import { createTestStore, type TestStore } from "../../helpers/store";

const OPERATOR = "reconcile-operator-token-0123456789";
const VIEWER = "reconcile-viewer-token-0123456789";
type Handler = RouteHandler;
let store: TestStore;
let POST: Handler;
let GET: Handler;

const P = "POST /v1/payments";
const twice = (key: string, ago: number): RawEvent[] => [
  { secondsAgo: ago, scope: "acme", endpoint: P, key, kind: "claimed" },
  { secondsAgo: ago - 1, scope: "acme", endpoint: P, key, kind: "completed", responseCode: 201 },
  { secondsAgo: ago - 30, scope: "acme", endpoint: P, key, kind: "reclaimed" },
  { secondsAgo: ago - 31, scope: "acme", endpoint: P, key, kind: "completed", responseCode: 201 },
];

const post = (body: unknown, token = OPERATOR) =>
  postJson(POST, "/api/v1/duplicates/reconcile", body, token);

beforeAll(async () => {
  store = await createTestStore();
  useStoreForRoutes(store, {
    IDEMSCOPE_TOKENS: `nightly:operator:${OPERATOR},bot:viewer:${VIEWER}`,
  });
  POST = (await import("../../../app/api/v1/duplicates/reconcile/route"))
    .POST as unknown as Handler;
  GET = (await import("../../../app/api/v1/duplicates/route")).GET as unknown as Handler;
  await insertEvents(store.pool, store.t, [
    ...twice("dup-1", 5000),
    ...twice("dup-2", 4000),
    ...twice("dup-3", 3000),
    { secondsAgo: 2000, scope: "acme", endpoint: P, key: "once", kind: "claimed" },
    {
      secondsAgo: 1999,
      scope: "acme",
      endpoint: P,
      key: "once",
      kind: "completed",
      responseCode: 201,
    },
  ]);
  for (let i = 0; i < 10; i++) if ((await collectBatch(store.ctx())).caughtUp) break;
});
afterAll(() => store.drop());

it("counts the overdue open duplicates as /api/metrics does (it once said 0 where metrics said 182)", async () => {
  // overdue after an hour: dup-1 and dup-2 were first requested 5,000 and 4,000 s ago
  const cfg = parseConfig({ IDEMSCOPE_RECONCILE_WITHIN_HOURS: "1" });
  const list = await listDuplicates({ ...store.ctx(), config: cfg }, { status: "open", limit: 10 });
  expect(list.open).toMatchObject({ count: 3, overdue: 2, withinHours: 1 });
  const snapshot = await readStoreSnapshot({ ...store.ctx(), config: cfg });
  expect(snapshot.reconciliation.overdue).toBe(2);
});

it("pages the open duplicates as a work queue: oldest first, newest first, by client and endpoint", async () => {
  const keys = (l: { items: { key: string }[] }) => l.items.map((d) => d.key);
  const first = await listDuplicates(store.ctx(), { status: "open", limit: 2, order: "oldest" });
  expect(keys(first)).toEqual(["dup-1", "dup-2"]);
  expect(first.matching).toBe(3);
  const second = await listDuplicates(store.ctx(), {
    status: "open",
    limit: 2,
    order: "oldest",
    cursor: first.nextCursor!,
  });
  expect(keys(second)).toEqual(["dup-3"]);
  expect(second.nextCursor).toBeNull();
  const newest = await listDuplicates(store.ctx(), { status: "open", limit: 2, order: "newest" });
  expect(keys(newest)).toEqual(["dup-3", "dup-2"]);
  // unpriced amounts sort last, by intent: every duplicate once across pages
  const byAmount = await listDuplicates(store.ctx(), { status: "open", limit: 2, order: "amount" });
  const rest = await listDuplicates(store.ctx(), {
    status: "open",
    limit: 2,
    order: "amount",
    cursor: byAmount.nextCursor!,
  });
  expect([...keys(byAmount), ...keys(rest)].sort()).toEqual(["dup-1", "dup-2", "dup-3"]);
  const nobody = await listDuplicates(store.ctx(), { status: "open", limit: 2, client: "nobody" });
  expect(nobody).toMatchObject({ matching: 0, items: [], nextCursor: null });
  const auth = { authorization: `Bearer ${VIEWER}` };
  const bad = await GET(getRequest("/api/v1/duplicates?order=cheapest", auth), {});
  expect(bad.status).toBe(400);
  expect(JSON.stringify(await bad.json())).toContain("order must be one of");
});

async function openIntents(): Promise<Map<string, string>> {
  const list = await listDuplicates(store.ctx(), { status: "open", limit: 100 });
  return new Map(list.items.map((d) => [d.key, d.intent]));
}

describe("reconciling duplicate successes", () => {
  it("lists exactly the intents that succeeded twice, open, oldest's first request known", async () => {
    const list = await listDuplicates(store.ctx(), { status: "open", limit: 100 });
    expect(list.items.map((d) => d.key).sort()).toEqual(["dup-1", "dup-2", "dup-3"]);
    expect(list.open.count).toBe(3);
    expect(Date.now() - Date.parse(list.open.oldestFirstRequestAt!)).toBeGreaterThan(4_990_000);
  });

  it("marks one reconciled with its audit row, and never twice, even at once", async () => {
    const ids = await openIntents();
    const id = ids.get("dup-1")!;
    const body = {
      intents: [id],
      outcome: "refunded",
      reason: "second charge refunded",
      externalRef: "re_123",
    };
    // two at once: one reconciles, the other finds it done
    const [a, b] = await Promise.all([post(body), post(body)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const results = [await a.json(), await b.json()] as {
      reconciled: string[];
      alreadyReconciled: string[];
    }[];
    expect(results.map((r) => r.reconciled.length).sort()).toEqual([0, 1]);
    expect(results.map((r) => r.alreadyReconciled.length).sort()).toEqual([0, 1]);
    const audit = await store.pool.query(
      `SELECT actor, action, reason, after FROM ${store.t.ownTable("audit_log")} WHERE key = 'dup-1'`,
    );
    expect(audit.rows).toEqual([
      {
        actor: "token:nightly",
        action: "reconcile",
        reason: "second charge refunded",
        after: { status: "reconciled", outcome: "refunded", externalRef: "re_123" },
      },
    ]);
    const reconciled = await listDuplicates(store.ctx(), { status: "reconciled", limit: 100 });
    expect(reconciled.items).toHaveLength(1);
    expect(reconciled.items[0]!.reconciliation).toMatchObject({
      outcome: "refunded",
      externalRef: "re_123",
      actor: "token:nightly",
    });
    expect(reconciled.open.count).toBe(2);
    const months = await reconciliationsPerMonth(store.pool, store.t);
    expect(months).toHaveLength(12);
    expect(months.at(-1)!.reconciliations).toBe(1);
  });

  it("shows each key page its duplicate's record: reconciled, open, or none", async () => {
    const page = (key: string) => getKeyLifecycle(store.ctx(), { scope: "acme", endpoint: P, key });
    const done = await page("dup-1");
    expect(done.duplicateRecord).toMatchObject({
      key: "dup-1",
      successes: 2,
      reconciliation: { outcome: "refunded", externalRef: "re_123", actor: "token:nightly" },
    });
    // the id the page reconciles with is the one the list gives
    expect(done.duplicateRecord!.intent).toBe(
      (await listDuplicates(store.ctx(), { status: "all", limit: 10 })).items.find(
        (d) => d.key === "dup-1",
      )!.intent,
    );
    const open = await page("dup-2");
    expect(open.duplicateRecord).toMatchObject({ key: "dup-2", reconciliation: null });
    expect((await page("once")).duplicateRecord).toBeNull();
  });

  it("reconciles a selection, saying which were unknown or already done", async () => {
    const ids = await openIntents();
    const unknown = "00000000-0000-0000-0000-000000000001";
    const res = await post({
      intents: [ids.get("dup-2"), ids.get("dup-3"), unknown],
      outcome: "false_positive",
      reason: "test orders, nightly job",
    });
    expect(res.status).toBe(200);
    const r = (await res.json()) as { reconciled: string[]; unknown: string[] };
    expect(r.reconciled.sort()).toEqual([ids.get("dup-2"), ids.get("dup-3")].sort());
    expect(r.unknown).toEqual([unknown]);
    expect((await listDuplicates(store.ctx(), { status: "open", limit: 10 })).open.count).toBe(0);
  });

  it("refuses a viewer and bad bodies, changing nothing", async () => {
    const count = async () =>
      (await store.pool.query(`SELECT count(*)::int AS n FROM ${store.t.ownTable("audit_log")}`))
        .rows[0].n as number;
    const before = await count();
    const any = "00000000-0000-0000-0000-000000000002";
    const viewer = await post({ intents: [any], outcome: "voided", reason: "x" }, VIEWER);
    expect(viewer.status).toBe(403);
    const cases: [unknown, string][] = [
      [{ intents: [], outcome: "voided", reason: "x" }, "at least one"],
      [{ intents: ["not-a-uuid"], outcome: "voided", reason: "x" }, "UUID"],
      [{ intents: [any], outcome: "forgiven", reason: "x" }, "outcome must be one of"],
      [{ intents: [any], outcome: "voided", reason: " " }, "a reason is required"],
      [
        { intents: [any], outcome: "voided", reason: "x", externalRef: "r".repeat(201) },
        "at most 200",
      ],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(await res.json())).toContain(message);
    }
    expect(await count()).toBe(before);
  });

  it("lists by status over the API, and refuses a bad status", async () => {
    const auth = { authorization: `Bearer ${VIEWER}` };
    const ok = await GET(getRequest("/api/v1/duplicates?status=reconciled", auth), {});
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { items: unknown[] }).items).toHaveLength(3);
    const bad = await GET(getRequest("/api/v1/duplicates?status=closed", auth), {});
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("status must be one of");
  });
});
