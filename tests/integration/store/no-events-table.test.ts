// A store without the events table (docs/store-contract.md): the pages that need events say so in words; what
// comes from the keys table (store size, purger health) still works, and the collector doesn't
// fail on every tick.
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import type { ClientList } from "../../../lib/client/api-types/clients";
import type { StoreReport } from "../../../lib/client/api-types/store";
import { sampleStoreSize } from "../../../lib/fold/size-sampler";
import { getRequest, useStoreForRoutes } from "../../helpers/route-env";
import { createTestStore, type TestStore } from "../../helpers/store";

type Handler = (req: ReturnType<typeof getRequest>, ctx: unknown) => Promise<Response>;
let store: TestStore;

beforeAll(async () => {
  store = await createTestStore();
  await store.pool.query(`DROP TABLE ${store.t.events}`);
  useStoreForRoutes(store);
  await store.pool.query(
    `INSERT INTO ${store.t.keys} (scope, endpoint, key, request_hash, status, expires_at)
     VALUES ('acme', 'POST /v1/x', 'k1', 'h', 'completed', now() - interval '1 minute')`,
  );
});
afterAll(() => store.drop());

it("samples the keys table alone", async () => {
  await sampleStoreSize(store.ctx(), {
    keys: "idempotency_keys",
    events: "idempotency_events",
  });
  const r = await store.pool.query(
    `SELECT table_name FROM ${store.t.ownTable("store_size_samples")}`,
  );
  expect(r.rows.map((x) => x.table_name)).toEqual(["idempotency_keys"]);
});

it("Clients says why it has no numbers", async () => {
  const { GET } = (await import("../../../app/api/v1/clients/route")) as unknown as {
    GET: Handler;
  };
  const res = await GET(getRequest("/api/v1/clients"), {});
  expect(res.status).toBe(200);
  const body = (await res.json()) as ClientList;
  expect(body.items).toEqual([]);
  expect(body.unavailable).toMatch(
    /^This store has no events table \(".+"\."idempotency_events"\)/,
  );
});

it("Store reports sizes and purger health, and says the TTL advisor needs events", async () => {
  const { GET } = (await import("../../../app/api/v1/store/route")) as unknown as {
    GET: Handler;
  };
  const res = await GET(getRequest("/api/v1/store?range=7d"), {});
  expect(res.status).toBe(200);
  const body = (await res.json()) as StoreReport;
  expect(body.tables.map((t) => t.name)).toEqual(["idempotency_keys"]);
  expect(body.purger.expiredNotPurged).toBe(1);
  expect(body.createdExpired).toBeNull();
  expect(body.ttlAdvisor).toEqual([]);
  expect(body.eventsUnavailable).toContain("TTL advisor");
});

it("the collector runs without errors: it samples and counts clients, and folds nothing", async () => {
  const { parseConfig } = await import("../../../lib/core/config");
  const { startCollector } = await import("../../../lib/fold/collector");
  const cfg = parseConfig({
    IDEMSCOPE_STORE_SCHEMA: store.schema,
    IDEMSCOPE_SCHEMA: store.t.own.replaceAll('"', ""),
  });
  const collector = startCollector({ databaseUrl: inject("databaseUrl"), cfg, tickMs: 100 });
  try {
    await collector.drain(); // resolves: nothing to fold is "caught up"
    await new Promise((r) => setTimeout(r, 500));
    const state = await store.pool.query(
      `SELECT errors_total::int AS errors, last_error FROM ${store.t.ownTable("collector_state")}`,
    );
    expect(state.rows[0]).toEqual({ errors: 0, last_error: null });
    const ranges = await store.pool.query(
      `SELECT count(*)::int AS n FROM ${store.t.ownTable("client_range_state")}`,
    );
    expect(ranges.rows[0].n).toBe(4);
  } finally {
    await collector.stop();
  }
});
