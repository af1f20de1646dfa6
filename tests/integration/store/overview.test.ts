import type { Pool } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/core/config";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { fillBuckets, getOverview, getSharedOverview } from "../../../lib/query/store/overview";
import { contextOf } from "../../../lib/contract/context";
import { createTestStore, type TestStore } from "../../helpers/store";
import { insertEvents, insertKey, type RawEvent } from "../../helpers/events";

let store: TestStore;
const cfg = parseConfig({ IDEMSCOPE_ENDPOINT_LOCK_TIMEOUTS: "POST /v1/refunds=60" });
const P = "POST /v1/payments";
const R = "POST /v1/refunds";

const events: RawEvent[] = [
  // k1: claimed, completed, replayed twice (latencies 2 and 8 ms)
  // claims timed by the reference writer on P: 1.2, 3 and 20 ms; none on R
  { secondsAgo: 600, scope: "a", endpoint: P, key: "k1", kind: "claimed", latencyMs: 1.2 },
  {
    secondsAgo: 599,
    scope: "a",
    endpoint: P,
    key: "k1",
    kind: "completed",
    responseCode: 201,
    latencyMs: 40,
  },
  {
    secondsAgo: 500,
    scope: "a",
    endpoint: P,
    key: "k1",
    kind: "replayed",
    responseCode: 201,
    latencyMs: 2,
  },
  {
    secondsAgo: 400,
    scope: "a",
    endpoint: P,
    key: "k1",
    kind: "replayed",
    responseCode: 201,
    latencyMs: 8,
  },
  // k2: conflict while in progress, then a mismatch
  { secondsAgo: 300, scope: "b", endpoint: P, key: "k2", kind: "claimed", latencyMs: 3 },
  { secondsAgo: 299, scope: "b", endpoint: P, key: "k2", kind: "conflict", responseCode: 409 },
  { secondsAgo: 290, scope: "b", endpoint: P, key: "k2", kind: "completed", responseCode: 201 },
  { secondsAgo: 200, scope: "b", endpoint: P, key: "k2", kind: "mismatch", responseCode: 422 },
  // k3: first success before the window, late retry after expiry succeeds inside it → duplicate
  { secondsAgo: 1500, scope: "c", endpoint: R, key: "k3", kind: "claimed" },
  { secondsAgo: 1499, scope: "c", endpoint: R, key: "k3", kind: "completed", responseCode: 201 },
  { secondsAgo: 1300, scope: "c", endpoint: R, key: "k3", kind: "expired" },
  { secondsAgo: 120, scope: "c", endpoint: R, key: "k3", kind: "claimed" },
  { secondsAgo: 119, scope: "c", endpoint: R, key: "k3", kind: "completed", responseCode: 201 },
  // k4: reclaimed and completed twice inside the window
  { secondsAgo: 240, scope: "d", endpoint: R, key: "k4", kind: "claimed" },
  { secondsAgo: 170, scope: "d", endpoint: R, key: "k4", kind: "reclaimed" },
  { secondsAgo: 169, scope: "d", endpoint: R, key: "k4", kind: "completed", responseCode: 201 },
  { secondsAgo: 160, scope: "d", endpoint: R, key: "k4", kind: "completed", responseCode: 201 },
  // k5: a declined payment (failed 402) is not a success; its replay is a replay
  { secondsAgo: 100, scope: "e", endpoint: P, key: "k5", kind: "claimed", latencyMs: 20 },
  { secondsAgo: 99, scope: "e", endpoint: P, key: "k5", kind: "failed", responseCode: 402 },
  {
    secondsAgo: 90,
    scope: "e",
    endpoint: P,
    key: "k5",
    kind: "replayed",
    responseCode: 402,
    latencyMs: 4,
  },
  // the same key in another scope is another intent
  { secondsAgo: 80, scope: "f", endpoint: P, key: "k1", kind: "claimed" },
  { secondsAgo: 79, scope: "f", endpoint: P, key: "k1", kind: "completed", responseCode: 200 },
  // outside the 15-minute window, inside the hour
  { secondsAgo: 3000, scope: "a", endpoint: P, key: "old", kind: "claimed" },
  { secondsAgo: 2999, scope: "a", endpoint: P, key: "old", kind: "completed", responseCode: 201 },
];

async function collectAll(pool: Pool) {
  for (let i = 0; i < 50; i++)
    if ((await collectBatch(contextOf(pool, store.t, cfg))).caughtUp) return;
}

beforeAll(async () => {
  store = await createTestStore();
  await insertEvents(store.pool, store.t, events);
  await collectAll(store.pool);
  // stuck: locked past the default 300 s; past the refunds override of 60 s; orphaned and old
  await insertKey(store.pool, store.t, {
    endpoint: P,
    key: "s1",
    status: "in_progress",
    lockedSecondsAgo: 600,
  });
  await insertKey(store.pool, store.t, {
    endpoint: R,
    key: "s2",
    status: "in_progress",
    lockedSecondsAgo: 120,
  });
  await insertKey(store.pool, store.t, {
    endpoint: P,
    key: "s3",
    status: "in_progress",
    lockedSecondsAgo: null,
    updatedSecondsAgo: 900,
  });
  // not stuck: recently locked, recently orphaned, or done
  await insertKey(store.pool, store.t, {
    endpoint: P,
    key: "n1",
    status: "in_progress",
    lockedSecondsAgo: 120,
  });
  await insertKey(store.pool, store.t, {
    endpoint: P,
    key: "n2",
    status: "in_progress",
    lockedSecondsAgo: null,
    updatedSecondsAgo: 30,
  });
  await insertKey(store.pool, store.t, {
    endpoint: P,
    key: "n3",
    status: "completed",
    lockedSecondsAgo: null,
    updatedSecondsAgo: 9000,
  });
});
afterAll(() => store.drop());

type Stored = {
  at: Date;
  id: string;
  scope: string;
  endpoint: string;
  key: string;
  kind: string;
  response_code: number | null;
};

/** The definitions of docs/store-contract.md, computed independently from the raw events. */
async function expected(from: string) {
  const all = (await store.pool.query<Stored>(`SELECT * FROM ${store.t.events} ORDER BY at, id`))
    .rows;
  const inWindow = all.filter((e) => e.at >= new Date(from));
  const requestKinds = new Set(["claimed", "reclaimed", "replayed", "conflict", "mismatch"]);
  const success = (e: Stored) =>
    e.kind === "completed" &&
    e.response_code !== null &&
    e.response_code >= 200 &&
    e.response_code < 300;
  const intent = (e: Stored) => `${e.scope}|${e.endpoint}|${e.key}`;
  const firstSuccess = new Map<string, Stored>();
  for (const e of all.filter(success))
    if (!firstSuccess.has(intent(e))) firstSuccess.set(intent(e), e);
  const windowSuccesses = inWindow.filter(success);
  return {
    requests: inWindow.filter((e) => requestKinds.has(e.kind)).length,
    replayed: inWindow.filter((e) => e.kind === "replayed").length,
    conflicts: inWindow.filter((e) => e.kind === "conflict").length,
    mismatches: inWindow.filter((e) => e.kind === "mismatch").length,
    succeeded: windowSuccesses.filter((e) => firstSuccess.get(intent(e)) === e).length,
    duplicated: windowSuccesses.filter((e) => firstSuccess.get(intent(e)) !== e).length,
  };
}

describe("getOverview (from rollups)", () => {
  for (const range of ["15m", "1h", "24h", "7d", "90d"] as const) {
    it(`matches the raw events over ${range}`, async () => {
      const o = await getOverview(store.ctx(cfg), range);
      const e = await expected(o.from);
      expect(e.requests).toBeGreaterThan(5);
      expect(o.requests).toBe(e.requests);
      expect(o.replayed).toBe(e.replayed);
      expect(o.replayRatio).toBeCloseTo(e.replayed / e.requests, 10);
      expect(o.conflicts).toBe(e.conflicts);
      expect(o.mismatches).toBe(e.mismatches);
      expect(o.succeededIntents).toBe(e.succeeded);
      expect(o.duplicateSuccesses).toBe(e.duplicated);
      expect(o.duplicateSuccessRate).toBeCloseTo(e.duplicated / e.succeeded, 10);
      expect(o.stuckKeys).toBe(3);
    });
  }

  it("counts k3's late retry and k4's second completion as duplicates in the last 15 minutes", async () => {
    const o = await getOverview(store.ctx(cfg), "15m");
    expect(o.duplicateSuccesses).toBe(2);
    expect(o.conflicts).toBe(1);
    expect(o.mismatches).toBe(1);
  });

  it("takes replay latency percentiles from the histogram within its bucket bounds", async () => {
    const o = await getOverview(store.ctx(cfg), "1h");
    // replays of 2, 8 and 4 ms: the median lies in the [3, 4) or [4, 5) bucket
    expect(o.replayLatencyMs.p50).toBeGreaterThanOrEqual(3);
    expect(o.replayLatencyMs.p50).toBeLessThanOrEqual(5);
    expect(o.replayLatencyMs.p99).toBeGreaterThanOrEqual(7.5);
    expect(o.replayLatencyMs.p99).toBeLessThanOrEqual(10);
  });

  it("gives claim latency percentiles per endpoint, and none where no claim was timed", async () => {
    const o = await getOverview(store.ctx(cfg), "15m");
    const by = new Map(o.busiestEndpoints.map((e) => [e.endpoint, e.claimLatencyMs]));
    const p = by.get(P)!;
    // claims of 1.2, 3 and 20 ms: the median within 3's bucket [3, 4), the p99 within [20, 30)
    expect(p.p50).toBeGreaterThanOrEqual(3);
    expect(p.p50).toBeLessThanOrEqual(4);
    expect(p.p99).toBeGreaterThanOrEqual(20);
    expect(p.p99).toBeLessThanOrEqual(30);
    expect(by.get(R)).toBeNull();
    expect(o.unavailable.claimLatency).toBeUndefined();
  });

  it("returns one bucket per minute and per-endpoint totals that add up", async () => {
    const o = await getOverview(store.ctx(cfg), "15m");
    expect(o.bucketSeconds).toBe(60);
    expect(o.series.length).toBeGreaterThanOrEqual(13);
    expect(o.series.length).toBeLessThanOrEqual(15);
    const inSeries = o.series.reduce(
      (s, p) => s + p.claimed + p.reclaimed + p.replayed + p.conflict + p.mismatch,
      0,
    );
    expect(inSeries).toBeLessThanOrEqual(o.requests); // the current, partial minute is not charted
    expect(o.busiestEndpoints.reduce((s, b) => s + b.requests, 0)).toBe(o.requests);
    expect(o.busiestEndpoints[0]!.endpoint).toBe(P);
    expect(o.collector).toMatchObject({ eventsTotal: events.length, openGaps: 0, errorsTotal: 0 });
    expect(o.collector.lagSeconds).toBeGreaterThanOrEqual(0);
  });

  it("answers zeros and nulls, not errors, on an empty store", async () => {
    const empty = await createTestStore();
    try {
      const o = await getOverview(empty.ctx(cfg), "15m");
      expect(o).toMatchObject({
        requests: 0,
        replayRatio: null,
        duplicateSuccessRate: null,
        stuckKeys: 0,
      });
      expect(o.replayLatencyMs).toEqual({ p50: null, p95: null, p99: null });
      expect(o.collector.lagSeconds).toBeNull();
    } finally {
      await empty.drop();
    }
  });

  it("costs the database one round of queries for 50 concurrent viewers", async () => {
    let queries = 0;
    const counting = new Proxy(store.pool, {
      get(target, prop, receiver) {
        if (prop === "query") {
          return (...args: Parameters<Pool["query"]>) => {
            queries += 1;
            return (target.query as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    }) as Pool;
    const shared = { ...cfg, cacheTtlMs: 5_000 };
    await getOverview(contextOf(counting, store.t, shared), "6h");
    const perViewer = queries;
    queries = 0;
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        getSharedOverview(contextOf(counting, store.t, shared), "6h"),
      ),
    );
    expect(queries).toBe(perViewer);
    expect(new Set(results.map((r) => r.generatedAt)).size).toBe(1);
    // later polls within the interval are answered from the cache too
    await Promise.all(
      Array.from({ length: 50 }, () =>
        getSharedOverview(contextOf(counting, store.t, shared), "6h"),
      ),
    );
    expect(queries).toBe(perViewer);
  });
});

describe("fillBuckets", () => {
  it("fills gaps with zeros and leaves the current bucket out", () => {
    const now = Date.parse("2026-01-01T10:05:30Z");
    const rows = [
      {
        t: "2026-01-01T10:02:00.000Z",
        claimed: 4,
        reclaimed: 0,
        replayed: 1,
        conflict: 0,
        mismatch: 0,
      },
    ];
    const points = fillBuckets(rows, 300, 60, now);
    expect(points.map((p) => p.t)).toEqual([
      "2026-01-01T10:01:00.000Z",
      "2026-01-01T10:02:00.000Z",
      "2026-01-01T10:03:00.000Z",
      "2026-01-01T10:04:00.000Z",
    ]);
    expect(points[1]).toMatchObject({ claimed: 4, replayed: 1 });
    expect(points[0]).toMatchObject({ claimed: 0 });
    // buckets the collector has not fully seen yet are left out too
    expect(fillBuckets(rows, 300, 60, now, Date.parse("2026-01-01T10:04:10Z"))).toHaveLength(3);
  });
});
