// /api/metrics with a scrape token and a short scrape timeout: 401 without the token, and a
// database that does not answer in time makes the scrape fail with 500 (Prometheus: up = 0),
// then recover on the next scrape.
import { afterAll, beforeAll, expect, it } from "vitest";
import { getRequest, useStoreForRoutes } from "../../helpers/route-env";
import { createTestStore, type TestStore } from "../../helpers/store";

const TOKEN = "scrape-token-0123456789abcdef";
let store: TestStore;
type Handler = (req: ReturnType<typeof getRequest>) => Promise<Response>;
let GET: Handler;

beforeAll(async () => {
  store = await createTestStore();
  useStoreForRoutes(store, {
    IDEMSCOPE_METRICS_TOKEN: TOKEN,
    IDEMSCOPE_METRICS_TIMEOUT_MS: "300",
  });
  ({ GET } = (await import("../../../app/api/metrics/route")) as unknown as { GET: Handler });
});
afterAll(() => store.drop());

it("answers 401 without the bearer token, or with a wrong one", async () => {
  const attempts: Record<string, string>[] = [
    {},
    { authorization: `Bearer ${TOKEN}x` },
    { authorization: `Basic ${TOKEN}` },
    { authorization: "Bearer " },
  ];
  for (const headers of attempts) {
    const res = await GET(getRequest("/api/metrics", headers));
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="idemscope metrics"');
    expect(await res.text()).toMatch(/needs the configured bearer token/);
  }
  const ok = await GET(getRequest("/api/metrics", { authorization: `Bearer ${TOKEN}` }));
  expect(ok.status).toBe(200);
  expect(await ok.text()).toMatch(/^idemscope_collector_lag_seconds /m);
});

it("fails the scrape with 500 when the database does not answer in time, then recovers", async () => {
  const auth = { authorization: `Bearer ${TOKEN}` };
  const blocker = await store.pool.connect();
  try {
    // another session holds the counters table: the scrape's read waits, then times out
    await blocker.query("BEGIN");
    await blocker.query(`LOCK TABLE ${store.t.ownTable("metric_totals")} IN ACCESS EXCLUSIVE MODE`);
    await new Promise((r) => setTimeout(r, 1100)); // past the previous scrape's shared snapshot
    const started = Date.now();
    const res = await GET(getRequest("/api/metrics", auth));
    expect(res.status).toBe(500);
    expect(await res.text()).toMatch(/^# scrape failed: .*statement timeout/);
    expect(Date.now() - started).toBeLessThan(3000);
  } finally {
    await blocker.query("ROLLBACK");
    blocker.release();
  }
  const res = await GET(getRequest("/api/metrics", auth));
  expect(res.status).toBe(200);
});
