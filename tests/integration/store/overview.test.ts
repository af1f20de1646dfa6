import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/config";
import { fillBuckets, getOverview } from "../../../lib/store/overview";
import { createTestStore, type TestStore } from "../../helpers/store";
import { insertEvents, insertKey, type RawEvent } from "../../helpers/events";

let store: TestStore;
const cfg = parseConfig({ IDEMSCOPE_ENDPOINT_LOCK_TIMEOUTS: "POST /v1/refunds=60" });
const P = "POST /v1/payments";
const R = "POST /v1/refunds";

const events: RawEvent[] = [
  // k1: claimed, completed, replayed twice (latencies 2 and 8 ms)
  { secondsAgo: 600, scope: "a", endpoint: P, key: "k1", kind: "claimed" },
  { secondsAgo: 599, scope: "a", endpoint: P, key: "k1", kind: "completed", responseCode: 201 },
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
  { secondsAgo: 300, scope: "b", endpoint: P, key: "k2", kind: "claimed" },
  { secondsAgo: 299, scope: "b", endpoint: P, key: "k2", kind: "conflict", responseCode: 409 },
  { secondsAgo: 290, scope: "b", endpoint: P, key: "k2", kind: "completed", responseCode: 201 },
  { secondsAgo: 200, scope: "b", endpoint: P, key: "k2", kind: "mismatch", responseCode: 422 },
  // k3: first success before the window, late retry after expiry succeeds inside it → duplicate
  { secondsAgo: 1500, scope: "c", endpoint: R, key: "k3", kind: "claimed" },
  { secondsAgo: 1499, scope: "c", endpoint: R, key: "k3", kind: "completed", responseCode: 201 },
  { secondsAgo: 1300, scope: "c", endpoint: R, key: "k3", kind: "expired" },
  { secondsAgo: 120, scope: "c", endpoint: R, key: "k3", kind: "claimed" },
  { secondsAgo: 119, scope: "c", endpoint: R, key: "k3", kind: "completed", responseCode: 201 },
  // k4: reclaimed and completed twice inside the window → one duplicated intent
  { secondsAgo: 240, scope: "d", endpoint: R, key: "k4", kind: "claimed" },
  { secondsAgo: 170, scope: "d", endpoint: R, key: "k4", kind: "reclaimed" },
  { secondsAgo: 169, scope: "d", endpoint: R, key: "k4", kind: "completed", responseCode: 201 },
  { secondsAgo: 160, scope: "d", endpoint: R, key: "k4", kind: "completed", responseCode: 201 },
  // k5: a declined payment (failed 402) is not a success; its replay is
  { secondsAgo: 100, scope: "e", endpoint: P, key: "k5", kind: "claimed" },
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
  // same key in another scope is another intent
  { secondsAgo: 80, scope: "f", endpoint: P, key: "k1", kind: "claimed" },
  { secondsAgo: 79, scope: "f", endpoint: P, key: "k1", kind: "completed", responseCode: 200 },
  // outside the 15 minute window
  { secondsAgo: 3000, scope: "a", endpoint: P, key: "old", kind: "claimed" },
  { secondsAgo: 2999, scope: "a", endpoint: P, key: "old", kind: "completed", responseCode: 201 },
];

beforeAll(async () => {
  store = await createTestStore();
  await insertEvents(store.pool, store.t, events);
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

/** The SPEC §3 definitions, computed independently from the raw events in JavaScript. */
function expected(windowSeconds: number) {
  const inWindow = events.filter((e) => e.secondsAgo <= windowSeconds);
  const requestKinds = new Set(["claimed", "reclaimed", "replayed", "conflict", "mismatch"]);
  const requests = inWindow.filter((e) => requestKinds.has(e.kind)).length;
  const replayed = inWindow.filter((e) => e.kind === "replayed").length;
  const success = (e: RawEvent) =>
    e.kind === "completed" && (e.responseCode ?? 0) >= 200 && (e.responseCode ?? 0) < 300;
  const intent = (e: RawEvent) => `${e.scope}|${e.endpoint}|${e.key}`;
  const succeeded = new Set(inWindow.filter(success).map(intent));
  const duplicated = new Set(
    inWindow
      .filter(success)
      .filter((c) =>
        events.some((p) => success(p) && intent(p) === intent(c) && p.secondsAgo > c.secondsAgo),
      )
      .map(intent),
  );
  return { requests, replayed, succeeded: succeeded.size, duplicated: duplicated.size };
}

describe("getOverview", () => {
  it("matches the SPEC §3 definitions over the last 15 minutes", async () => {
    const o = await getOverview(store.pool, store.t, cfg, "15m");
    const e = expected(900);
    expect(e).toEqual({ requests: 12, replayed: 3, succeeded: 5, duplicated: 2 }); // the fixture itself
    expect(o.requests).toBe(e.requests);
    expect(o.replayed).toBe(e.replayed);
    expect(o.replayRatio).toBeCloseTo(e.replayed / e.requests, 10);
    expect(o.succeededIntents).toBe(e.succeeded);
    expect(o.duplicateSuccesses).toBe(e.duplicated);
    expect(o.duplicateSuccessRate).toBeCloseTo(e.duplicated / e.succeeded, 10);
    expect(o.conflicts).toBe(1);
    expect(o.mismatches).toBe(1);
    expect(o.requestsPerMinute).toBeCloseTo(12 / 15, 10);
    expect(o.replayLatencyMs.p50).toBeCloseTo(4, 6);
    expect(o.replayLatencyMs.p99).toBeGreaterThan(7.8);
    expect(o.stuckKeys).toBe(3);
  });

  it("counts the older intents in a longer range, where k3's first success is its own", async () => {
    const o = await getOverview(store.pool, store.t, cfg, "1h");
    const e = expected(3600);
    expect(o.requests).toBe(e.requests);
    expect(o.succeededIntents).toBe(e.succeeded);
    expect(o.duplicateSuccesses).toBe(e.duplicated);
  });

  it("returns one bucket per minute, zeros included, whose counts add up", async () => {
    const o = await getOverview(store.pool, store.t, cfg, "15m");
    expect(o.bucketSeconds).toBe(60);
    expect(o.series.length).toBeGreaterThanOrEqual(14);
    expect(o.series.length).toBeLessThanOrEqual(15);
    const sum = o.series.reduce(
      (s, p) => s + p.claimed + p.reclaimed + p.replayed + p.conflict + p.mismatch,
      0,
    );
    // the current (partial) minute is left out of the chart, so its requests may be missing
    expect(sum).toBeLessThanOrEqual(o.requests);
    expect(sum).toBeGreaterThanOrEqual(o.requests - 2);
    const busiest = o.busiestEndpoints.map((b) => [b.endpoint, b.requests]);
    expect(busiest).toEqual([
      [P, 9],
      [R, 3],
    ]);
  });

  it("answers zeros and nulls, not errors, on an empty store", async () => {
    const empty = await createTestStore();
    try {
      const o = await getOverview(empty.pool, empty.t, cfg, "15m");
      expect(o).toMatchObject({
        requests: 0,
        replayRatio: null,
        duplicateSuccessRate: null,
        stuckKeys: 0,
      });
      expect(o.replayLatencyMs).toEqual({ p50: null, p95: null, p99: null });
      expect(o.series.every((p) => p.claimed === 0)).toBe(true);
    } finally {
      await empty.drop();
    }
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
  });
});
