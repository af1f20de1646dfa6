// The collector against a store that already holds events, as `npm run connect` or a first
// start meets it: it holds its history fold back while the store is under pressure (and says why),
// keeps to its rate limit, reports progress on GET /api/v1/collector/fold, and once done the
// numbers are no longer provisional.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { GET as foldRoute } from "../../../app/api/v1/collector/fold/route";
import type { FoldStatus } from "../../../lib/client/api-types/fold";
import { parseConfig } from "../../../lib/core/config";
import { startCollector } from "../../../lib/fold/collector";
import { getFoldStatus } from "../../../lib/query/store/fold-status";
import { resetFold } from "../../helpers/reset-fold";
import { getRequest, useStoreForRoutes } from "../../helpers/route-env";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
const EVENTS = 6_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  store = await createTestStore();
  useStoreForRoutes(store);
  // a store with two days of history: 3,000 intents, each claimed and completed
  await store.pool.query(
    `INSERT INTO ${store.t.events} (at, scope, endpoint, key, kind, response_code)
     SELECT now() - make_interval(secs => 172800 * (1 - g::float8 / $1)) + k.off, 'c-' || (g % 9),
            'POST /v1/payments', 'k-' || g, k.kind, k.code
       FROM generate_series(1, $1 / 2) g
      CROSS JOIN (VALUES ('claimed', NULL::int, interval '0'), ('completed', 201, interval '10 ms')) AS k(kind, code, off)
      ORDER BY g, k.off`,
    [EVENTS],
  );
});
afterAll(() => store.drop());

function collectorWith(env: Record<string, string>) {
  const cfg = parseConfig({
    IDEMSCOPE_STORE_SCHEMA: store.schema,
    IDEMSCOPE_SCHEMA: store.layout.idemscopeSchema,
    ...env,
  });
  return startCollector({
    databaseUrl: inject("databaseUrl"),
    cfg,
    tickMs: 100,
    historyBatchMs: 100,
  });
}

describe("the collector meeting a store with history", () => {
  it("waits while the store's connections are busy, and says why", async () => {
    // a session idle in a transaction of its own: one busy connection more than allowed
    const busy = await store.pool.connect();
    await busy.query("BEGIN");
    await busy.query("SELECT 1");
    const c = collectorWith({ IDEMSCOPE_COLLECTOR_PAUSE_ACTIVE_CONNECTIONS: "1" });
    try {
      let status: FoldStatus | undefined;
      for (let i = 0; i < 100 && !status?.paused; i++) {
        await sleep(50);
        status = await getFoldStatus(store.ctx());
      }
      expect(status!.paused!.reason).toMatch(
        /busy connections of \d+ is above 1 \(IDEMSCOPE_COLLECTOR_PAUSE_ACTIVE_CONNECTIONS\)/,
      );
      expect(status!.history).toMatchObject({ done: 0, finishedAt: null });
      expect(status!.provisional).toBe(true);
      const res = await foldRoute(getRequest("/api/v1/collector/fold"), undefined as never);
      expect((await res.json()).paused.reason).toBe(status!.paused!.reason);
    } finally {
      await c.stop();
      await busy.query("ROLLBACK");
      busy.release();
    }
  });

  it("folds the history at its rate limit, newest first, then the numbers are final", async () => {
    // events a second, folded two seconds' worth a batch: 6,000 events take about four seconds
    const limit = 1_000;
    const c = collectorWith({ IDEMSCOPE_COLLECTOR_MAX_EVENTS_PER_SECOND: String(limit) });
    const t0 = Date.now();
    try {
      await sleep(500);
      const midway = await getFoldStatus(store.ctx());
      expect(midway.paused).toBeNull(); // the pressure passed: the pause is lifted
      expect(midway.history!.done).toBeLessThan(EVENTS);
      // the newest events first: complete from some time after the oldest event (48 h ago)
      expect(Date.now() - Date.parse(midway.history!.completeFrom!)).toBeLessThan(47 * 3600_000);
      await c.drain();
      // then, in the background, the indexes the fold filled from below are rebuilt
      for (let i = 0; i < 100 && !(await getFoldStatus(store.ctx())).indexesRebuiltAt; i++)
        await sleep(100);
    } finally {
      await c.stop();
    }
    expect(Date.now() - t0).toBeGreaterThanOrEqual(((EVENTS - 2 * limit) / limit) * 1000);
    const done = await getFoldStatus(store.ctx());
    expect(done.provisional).toBe(false);
    expect(done.history).toMatchObject({ done: EVENTS, total: EVENTS, completeFrom: null });
    expect(done.history!.finishedAt).not.toBeNull();
    expect(Date.parse(done.indexesRebuiltAt!)).toBeGreaterThanOrEqual(
      Date.parse(done.history!.finishedAt!),
    );
    const totals = await store.pool.query<{ first: number; requests: number }>(
      `SELECT (SELECT sum(first_successes)::int FROM ${store.t.ownTable("rollup_successes")} WHERE resolution = 'day') AS first,
              (SELECT sum(events)::int FROM ${store.t.ownTable("rollup_events")} WHERE resolution = 'day' AND kind = 'claimed') AS requests`,
    );
    expect(totals.rows[0]).toEqual({ first: EVENTS / 2, requests: EVENTS / 2 });
  });

  it("goes no faster than the busy limit while the store's keys table is written, and says so", async () => {
    await resetFold(store);
    // the service writing its keys table: a row every 50 ms
    let writing = true;
    let n = 0;
    const writer = (async () => {
      while (writing) {
        await store.pool.query(
          `INSERT INTO ${store.t.keys} (scope, endpoint, key, request_hash, status, expires_at)
           VALUES ('w', 'POST /v1/payments', $1, 'h', 'in_progress', now() + interval '1 day')`,
          [`busy-${n++}`],
        );
        await sleep(50);
      }
    })();
    const limit = 2_000;
    const c = collectorWith({ IDEMSCOPE_COLLECTOR_BUSY_MAX_EVENTS_PER_SECOND: String(limit) });
    const t0 = Date.now();
    let limited: string | null = null;
    try {
      for (let i = 0; i < 100 && !limited; i++) {
        await sleep(50);
        limited = (await getFoldStatus(store.ctx())).limited;
      }
      await c.drain();
    } finally {
      await c.stop();
      writing = false;
      await writer;
    }
    expect(limited).toMatch(
      /^at most 2,000 events\/s while .*idempotency_keys.* is being written, .*\(IDEMSCOPE_COLLECTOR_BUSY_MAX_EVENTS_PER_SECOND\)$/,
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(((EVENTS - 2 * limit) / limit) * 1000);
    const done = await getFoldStatus(store.ctx());
    expect(done.history).toMatchObject({ done: EVENTS, finishedAt: expect.any(String) });
    expect(done.limited).toBeNull();
  });
});
