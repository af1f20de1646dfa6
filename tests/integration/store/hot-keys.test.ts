// Hot keys: the intents with the most requests in a range equal what the raw events define
// (among intents with HOT_REQUESTS requests or more), folded oldest first in small batches or
// newest first as a connected store's history is, and only those with a row kept are named;
// the route answers them or a clear 400.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { HOT_REQUESTS } from "../../../lib/fold/fold-hot-intents";
import { beginHistoryIfNew, collectHistoryBatch } from "../../../lib/fold/history";
import { listHotKeys } from "../../../lib/query/store/hot-keys";
import { refreshHotKeyTops } from "../../../lib/fold/hot-keys-top";
import type { Range } from "../../../lib/client/range";
import { getRequest, useStoreForRoutes } from "../../helpers/route-env";
import { resetFold } from "../../helpers/reset-fold";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
const REQUESTS = "('claimed', 'reclaimed', 'replayed', 'conflict', 'mismatch')";

beforeAll(async () => {
  store = await createTestStore();
  // 80 intents with 1 to 9 requests each, spread over the last 30 hours, a few in the last minutes;
  // completions (not requests) in between
  await store.pool.query(
    `INSERT INTO ${store.t.events} (at, scope, endpoint, key, kind, response_code, instance)
     SELECT now() - make_interval(secs => (i * 1301 + r * 97) % 108000 + 30), 'c-' || (i % 5),
            CASE WHEN i % 3 = 0 THEN 'POST /v1/refunds' ELSE 'POST /v1/payments' END, 'k-' || i,
            CASE WHEN r = 0 THEN 'claimed' WHEN r % 4 = 0 THEN 'conflict' ELSE 'replayed' END,
            CASE WHEN r = 0 THEN NULL WHEN r % 4 = 0 THEN 409 ELSE 201 END, 'test'
       FROM generate_series(0, 79) i CROSS JOIN generate_series(0, 8) r
      WHERE r <= i % 9
     UNION ALL
     SELECT now() - make_interval(secs => (i * 1301) % 108000 + 29), 'c-' || (i % 5),
            CASE WHEN i % 3 = 0 THEN 'POST /v1/refunds' ELSE 'POST /v1/payments' END, 'k-' || i,
            'completed', 201, 'test'
       FROM generate_series(0, 79) i
     UNION ALL
     -- storms older than any hot row kept (eight days), and one intent hot only with its two
     -- requests of ten days ago: its two recent ones count
     SELECT now() - make_interval(days => 9 + i % 3, secs => r * 5), 'c-old', 'POST /v1/payments',
            'old-' || i, CASE WHEN r = 0 THEN 'claimed' ELSE 'replayed' END,
            CASE WHEN r = 0 THEN NULL ELSE 201 END, 'test'
       FROM generate_series(0, 5) i CROSS JOIN generate_series(0, 3) r
     UNION ALL
     SELECT now() - CASE WHEN r < 2 THEN make_interval(days => 10, secs => r)
                         ELSE make_interval(mins => 20 * r) END,
            'c-old', 'POST /v1/payments', 'mixed', CASE WHEN r = 0 THEN 'claimed' ELSE 'replayed' END,
            CASE WHEN r = 0 THEN NULL ELSE 201 END, 'test'
       FROM generate_series(0, 3) r
     ORDER BY 1`,
  );
});

/** Only hot intents with a row kept are named: no storm older than eight days is. */
async function expectNamesKeptOnly() {
  const r = await store.pool.query<{ key: string }>(
    `SELECT key FROM ${store.t.ownTable("hot_intents")} WHERE scope = 'c-old' ORDER BY key`,
  );
  expect(r.rows.map((x) => x.key)).toEqual(["mixed"]);
}
afterAll(() => store.drop());

/** The raw definition over the same whole buckets the list reads. */
async function raw(from: string, limit: number) {
  const r = await store.pool.query<{
    scope: string;
    endpoint: string;
    key: string;
    requests: number;
  }>(
    `WITH hot AS (SELECT scope, endpoint, key FROM ${store.t.events} WHERE kind IN ${REQUESTS}
                   GROUP BY 1, 2, 3 HAVING count(*) >= $3)
     SELECT scope, endpoint, key, count(*)::float8 AS requests
       FROM ${store.t.events} JOIN hot USING (scope, endpoint, key)
      WHERE kind IN ${REQUESTS} AND at >= $1
      GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3 LIMIT $2`,
    [from, limit, HOT_REQUESTS],
  );
  return r.rows;
}

async function expectExact(ranges: Range[]) {
  for (const range of ranges) {
    const list = await listHotKeys(store.ctx(), { range, limit: 100 });
    // ties are ordered by name in both
    expect(list.keys, range).toEqual(await raw(list.from, 100));
  }
}

describe("hot keys", () => {
  it("equal the raw events, folded oldest first in small batches", async () => {
    for (;;) if ((await collectBatch(store.ctx(), { batchSize: 13 })).caughtUp) break;
    await expectExact(["15m", "1h", "6h", "24h", "7d"]);
    await expectNamesKeptOnly();
    const day = await listHotKeys(store.ctx(), { range: "24h", limit: 5 });
    expect(day.keys).toHaveLength(5);
    expect(day.keys[0]!.requests).toBeGreaterThanOrEqual(day.keys[4]!.requests);
    expect(day.keys.every((k) => k.requests >= 1)).toBe(true);
    // the contract's events carry every request kind
    expect(day.notCounted).toEqual({});
    // 30 and 90 days read what hour rows keep
    expect((await listHotKeys(store.ctx(), { range: "30d", limit: 5 })).coveredRange).toBe("7d");
  });

  it("read the collector's ranking over hours and a week, equal to the raw events", async () => {
    expect((await listHotKeys(store.ctx(), { range: "7d", limit: 5 })).asOf).toBeNull();
    await refreshHotKeyTops(store.ctx());
    for (const range of ["6h", "24h", "7d"] as const) {
      const list = await listHotKeys(store.ctx(), { range, limit: 100 });
      expect(list.asOf, range).not.toBeNull();
      expect(list.keys, range).toEqual(await raw(list.from, 100));
    }
    // up to an hour, summed for the answer
    expect((await listHotKeys(store.ctx(), { range: "1h", limit: 5 })).asOf).toBeNull();
    // the next run ranks 6 hours again, a day and a week only once their ranking is older
    const rankedAt = async () =>
      new Map(
        (
          await store.pool.query<{ range: string; at: Date }>(
            `SELECT range, computed_at AS at FROM ${store.t.ownTable("hot_intent_top_state")}`,
          )
        ).rows.map((x) => [x.range, x.at.getTime()]),
      );
    const first = await rankedAt();
    await new Promise((r) => setTimeout(r, 20));
    await refreshHotKeyTops(store.ctx());
    const second = await rankedAt();
    expect(second.get("6h")).toBeGreaterThan(first.get("6h")!);
    expect(second.get("24h")).toBe(first.get("24h"));
    expect(second.get("7d")).toBe(first.get("7d"));
  });

  it("equal the raw events when the history folds newest first", async () => {
    await resetFold(store);
    expect(await beginHistoryIfNew(store.ctx())).toBe(true);
    let batches = 0;
    for (;;) {
      const p = await collectHistoryBatch(store.ctx(), {
        batchSize: 11 + (batches % 5) * 7,
        keep: { minute: 3, hour: 90 },
      });
      batches += 1;
      if (!p || p.finishedAt) break;
    }
    expect(batches).toBeGreaterThan(15);
    await expectExact(["1h", "24h", "7d"]);
    await expectNamesKeptOnly();
  });

  it("answers the route, and a 400 for a bad range or limit", async () => {
    useStoreForRoutes(store);
    const { GET } = await import("../../../app/api/v1/overview/hot-keys/route");
    const ok = await GET(getRequest("/api/v1/overview/hot-keys?range=24h&limit=3"), {});
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { keys: unknown[] }).keys).toHaveLength(3);
    const bad = await GET(getRequest("/api/v1/overview/hot-keys?range=2d"), {});
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("must be one of");
    const big = await GET(getRequest("/api/v1/overview/hot-keys?limit=1000"), {});
    expect(big.status).toBe(400);
  });
});
