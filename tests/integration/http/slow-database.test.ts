// A slow database: a lock held by another session makes one panel's query wait. That panel's
// route answers 503 "query_timeout" with a message after the statement timeout, the other
// panels keep answering, the pool never holds more connections than its bound, and the panel
// recovers as soon as the lock goes.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { PoolClient } from "pg";
import { getRequest, useStoreForRoutes } from "../../helpers/route-env";
import { createTestStore, type TestStore } from "../../helpers/store";

type Handler = (req: ReturnType<typeof getRequest>, ctx: unknown) => Promise<Response>;
let store: TestStore;
let clients: Handler;
let overview: Handler;

beforeAll(async () => {
  store = await createTestStore();
  useStoreForRoutes(store, {
    IDEMSCOPE_STATEMENT_TIMEOUT_MS: "300",
    IDEMSCOPE_POOL_MAX: "3",
    IDEMSCOPE_CACHE_TTL_MS: "0",
  });
  clients = ((await import("../../../app/api/v1/clients/route")) as unknown as { GET: Handler })
    .GET;
  overview = ((await import("../../../app/api/v1/overview/route")) as unknown as { GET: Handler })
    .GET;
});
afterAll(() => store.drop());

async function dashboardConnections(): Promise<number> {
  const r = await store.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'idemscope-dashboard'`,
  );
  return r.rows[0]!.n;
}

it("times the blocked panel out with a message, keeps the others working and the pool bounded", async () => {
  const blocker: PoolClient = await store.pool.connect();
  try {
    await blocker.query("BEGIN");
    await blocker.query(
      `LOCK TABLE ${store.t.ownTable("client_range_totals")} IN ACCESS EXCLUSIVE MODE`,
    );
    let peak = 0;
    const sampling = setInterval(() => {
      void dashboardConnections().then((n) => (peak = Math.max(peak, n)));
    }, 50);
    const started = Date.now();
    // 20 viewers, each a different page of the list (no shared result to fall back on)
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        clients(getRequest(`/api/v1/clients?range=24h&limit=${i + 1}`), {}),
      ),
    );
    const elapsed = Date.now() - started;
    clearInterval(sampling);
    for (const res of answers) {
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        error: "query_timeout",
        message: "The database did not answer within the statement timeout.",
      });
    }
    expect(elapsed).toBeLessThan(10_000); // queued on 3 connections, 300 ms each at most
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(3);

    // another panel, while the lock is still held
    const ok = await overview(getRequest("/api/v1/overview?range=1h"), {});
    expect(ok.status).toBe(200);
  } finally {
    await blocker.query("ROLLBACK");
    blocker.release();
  }
  const recovered = await clients(getRequest("/api/v1/clients?range=24h"), {});
  expect(recovered.status).toBe(200);
  expect(await dashboardConnections()).toBeLessThanOrEqual(3);
});

it("serves the Overview without the panels whose queries time out, and says which and why", async () => {
  await store.pool.query(
    `INSERT INTO ${store.t.ownTable("rollup_events")} (resolution, bucket, endpoint, kind, response_class, events)
     VALUES ('minute', date_trunc('minute', now()), 'POST /v1/x', 'claimed', 0, 7)`,
  );
  const blocker: PoolClient = await store.pool.connect();
  try {
    await blocker.query("BEGIN");
    // the live keys table (the stuck count) and the stuck samples (its chart)
    await blocker.query(`LOCK TABLE ${store.t.keys} IN ACCESS EXCLUSIVE MODE`);
    await blocker.query(`LOCK TABLE ${store.t.ownTable("stuck_samples")} IN ACCESS EXCLUSIVE MODE`);
    const res = await overview(getRequest("/api/v1/overview?range=1h"), {});
    expect(res.status).toBe(200);
    const body = await res.json();
    const timeout = "The database did not answer within the statement timeout.";
    expect(body.unavailable).toEqual({ stuckKeys: timeout, stuckSeries: timeout });
    expect(body.stuckKeys).toBeNull();
    expect(body.stuckSeries).toBeNull();
    // the rest of the page is there
    expect(body.requests).toBe(7);
    expect(body.succeededIntents).toBe(0);
    expect(body.series.length).toBeGreaterThan(0);
  } finally {
    await blocker.query("ROLLBACK");
    blocker.release();
  }
  const recovered = await (await overview(getRequest("/api/v1/overview?range=1h"), {})).json();
  expect(recovered.unavailable).toEqual({});
  expect(recovered.stuckKeys).toBe(0);
  expect(recovered.stuckSeries).not.toBeNull();
});
