// The medusa-v1 and masstransit-inbox presets on their libraries' own tables, written the way the
// libraries write them: captured events equal the scenario, and the inbox's actions say why they
// are unavailable instead of doing something unsafe.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actOnKey } from "../../../lib/act/stuck-actions";
import { parseConfig } from "../../../lib/core/config";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { getOverview } from "../../../lib/query/store/overview";
import { getStoreReport } from "../../../lib/query/store/store-report";
import { deliver } from "../../../scripts/demo/writers/masstransit-inbox";
import { medusaRequest } from "../../../scripts/demo/writers/medusa-v1";
import {
  capturedKinds,
  connectLibraryStore,
  type ConnectedStore,
} from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";
import { proxyOperator } from "../../helpers/identities";

const cfg = parseConfig({});
const operator = proxyOperator;

describe("medusa-v1", () => {
  let store: TestStore;
  let src: ConnectedStore;
  beforeAll(async () => {
    store = await createTestStore();
    src = await connectLibraryStore(store, "medusa-v1");
    const req = (key: string, crash = false) =>
      medusaRequest(store.pool, src.table, {
        key,
        path: "/store/carts/complete",
        params: { cart: key },
        crash,
      });
    expect(await req("m-1")).toBe("completed"); // claimed, completed
    expect(await req("m-1")).toBe("replayed"); // reads only
    expect(await req("m-2", true)).toBe("crashed"); // claimed
    await new Promise((r) => setTimeout(r, 1100)); // Medusa's KEY_LOCKED_TIMEOUT is 1 s
    expect(await req("m-2")).toBe("completed"); // reclaimed (re-locked), completed
  });
  afterAll(() => store.drop());

  it("captures claims, the re-lock and completions, and nothing for a replay", async () => {
    expect(await capturedKinds(store, src.t)).toEqual({ claimed: 2, reclaimed: 1, completed: 2 });
  });

  it("reads keys that never expire without breaking the Store page", async () => {
    const report = await getStoreReport(src.ctx(cfg), "30d");
    expect(report.expiredNotPurged).toBe(0);
    for (let i = 0; i < 10; i++) if ((await collectBatch(src.ctx(cfg))).caughtUp) break;
    const o = await getOverview(src.ctx(cfg), "1h");
    expect(o.requests).toBe(3);
    expect(o.duplicateSuccesses).toBe(0);
  });
});

describe("medusa-v1, a double submit whose late work stage saves after the other finished", () => {
  let store: TestStore;
  let src: ConnectedStore;
  beforeAll(async () => {
    store = await createTestStore();
    src = await connectLibraryStore(store, "medusa-v1");
    // the two requests' statements (scripts/demo/writers/medusa-v1.ts), interleaved the way
    // Medusa v1's non-atomic lock() lets them: both read the key at 'started' and both run
    const run = (sql: string, params: unknown[] = []) =>
      store.pool.query(sql, ["ikey_race", ...params]);
    await store.pool.query(
      `INSERT INTO ${src.table} (id, idempotency_key, request_method, request_params, request_path)
       VALUES ('ikey_race', 'race', 'POST', '{"cart":"race"}', '/store/carts/complete')`,
    );
    await run(`UPDATE ${src.table} SET locked_at = now() WHERE id = $1`); // A: lock()
    await run(`UPDATE ${src.table} SET locked_at = now() WHERE id = $1`); // B: lock()
    await run(`UPDATE ${src.table} SET recovery_point = 'payment_authorized' WHERE id = $1`); // A
    const finish = `UPDATE ${src.table} SET recovery_point = 'finished', response_code = 200, response_body = $2 WHERE id = $1`;
    await run(finish, ['{"order":{"id":"order_a"}}']); // A finishes
    await run(`UPDATE ${src.table} SET recovery_point = 'payment_authorized' WHERE id = $1`); // B, late
    await run(finish, ['{"order":{"id":"order_b"}}']); // B finishes: a second order
  });
  afterAll(() => store.drop());

  it("reads the late stage as part of the execution already counted, not as an expiry and a new claim", async () => {
    expect(await capturedKinds(store, src.t)).toEqual({ claimed: 1, reclaimed: 1, completed: 2 });
    for (let i = 0; i < 10; i++) if ((await collectBatch(src.ctx(cfg))).caughtUp) break;
    const o = await getOverview(src.ctx(cfg), "1h");
    expect(o.requests).toBe(2);
    expect(o.duplicateSuccesses).toBe(1);
  });
});

describe("masstransit-inbox", () => {
  let store: TestStore;
  let src: ConnectedStore;
  const consumer = randomUUID();
  const [m1, m2] = [randomUUID(), randomUUID()];
  beforeAll(async () => {
    store = await createTestStore();
    src = await connectLibraryStore(store, "masstransit-inbox");
    expect(await deliver(store.pool, src.table, { messageId: m1, consumerId: consumer })).toBe(
      "consumed",
    );
    expect(await deliver(store.pool, src.table, { messageId: m1, consumerId: consumer })).toBe(
      "skipped",
    );
    expect(
      await deliver(store.pool, src.table, { messageId: m2, consumerId: consumer, crash: true }),
    ).toBe("crashed");
    expect(await deliver(store.pool, src.table, { messageId: m2, consumerId: consumer })).toBe(
      "consumed",
    );
  });
  afterAll(() => store.drop());

  it("captures deliveries: a redelivery of a consumed message is a replay, of an unconsumed one a reclaim", async () => {
    expect(await capturedKinds(store, src.t)).toEqual({
      claimed: 2,
      completed: 2,
      replayed: 1,
      reclaimed: 1,
    });
    const r = await store.pool.query(
      `SELECT scope, key, endpoint, status, attempts FROM ${src.t.keys} ORDER BY attempts, key`,
    );
    expect(r.rows.every((k) => k.scope === consumer && k.endpoint === "consume")).toBe(true);
    expect(r.rows.map((k) => k.attempts)).toEqual([2, 2]);
  });

  it("refuses release and fail with the layout's reason", async () => {
    await deliver(store.pool, src.table, {
      messageId: randomUUID(),
      consumerId: consumer,
      crash: true,
    });
    const stuck = await store.pool.query<{ id: string }>(
      `SELECT id FROM ${src.t.keys} WHERE status = 'in_progress'`,
    );
    await expect(
      actOnKey(src.ctx(parseConfig({ IDEMSCOPE_LOCK_TIMEOUT_SECONDS: "1" })), {
        id: stuck.rows[0]!.id,
        action: "release",
        reason: "try",
        actor: operator,
      }),
    ).rejects.toMatchObject({
      code: "action_unavailable",
      message: expect.stringMatching(/redelivers/),
    });
  });
});
