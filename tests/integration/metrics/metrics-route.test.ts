// /api/metrics on a real store: every store-derived series with the value the raw rows give,
// promtool's lint, no per-key or per-client labels, a flat series count as keys pour in, and
// counters that survive a restart and retention (they come from the database, not memory).
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/core/config";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { applyRetention } from "../../../lib/fold/retention";
import { insertEvents, insertKey, type RawEvent } from "../../helpers/events";
import { documentedSeries } from "../../helpers/metrics-doc";
import { parseExposition, sampleValue, type PromSample } from "../../helpers/prom-text";
import { getRequest, useStoreForRoutes } from "../../helpers/route-env";
import { createTestStore, type TestStore } from "../../helpers/store";

const P = "POST /v1/payments";
const R = "POST /v1/refunds";
let store: TestStore;

const ev = (
  secondsAgo: number,
  scope: string,
  endpoint: string,
  key: string,
  kind: RawEvent["kind"],
  responseCode?: number,
  latencyMs?: number,
): RawEvent => ({ secondsAgo, scope, endpoint, key, kind, responseCode, latencyMs });

const EVENTS: RawEvent[] = [
  ev(900, "a", P, "k1", "claimed", undefined, 1.2),
  ev(899, "a", P, "k1", "completed", 201, 40),
  ev(800, "a", P, "k1", "replayed", 201, 2),
  ev(700, "a", P, "k1", "replayed", 201, 8),
  ev(600, "b", P, "k2", "claimed", undefined, 6),
  ev(599, "b", P, "k2", "conflict", 409),
  ev(590, "b", P, "k2", "completed", 201),
  ev(500, "b", P, "k2", "mismatch", 422),
  ev(3000, "c", R, "k3", "claimed"),
  ev(2999, "c", R, "k3", "completed", 201),
  ev(2000, "c", R, "k3", "expired"),
  ev(400, "c", R, "k3", "claimed"),
  ev(399, "c", R, "k3", "completed", 201), // the same refund succeeds twice: a duplicate success
  ev(300, "d", R, "k4", "claimed"),
  ev(299, "d", R, "k4", "failed"),
  ev(250, "e", R, "k5", "claimed"),
  ev(249, "e", R, "k5", "completed", 500),
  ev(200, "f", P, "k6", "claimed"),
  ev(100, "f", P, "k6", "released"),
];

type Handler = (req: ReturnType<typeof getRequest>) => Promise<Response>;

async function scrape(): Promise<{ text: string; samples: PromSample[] }> {
  const { GET } = (await import("../../../app/api/metrics/route")) as unknown as { GET: Handler };
  const res = await GET(getRequest("/api/metrics"));
  const text = await res.text();
  expect(res.status, text).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
  return { text, samples: parseExposition(text).samples };
}

const own = (samples: PromSample[]) => samples.filter((s) => s.name.startsWith("idemscope_"));
/** scrapes within a second share one snapshot; these tests want a fresh one */
const nextSnapshot = () => new Promise((r) => setTimeout(r, 1100));

beforeAll(async () => {
  store = await createTestStore();
  useStoreForRoutes(store, { IDEMSCOPE_STORE_SIZE_BUDGET: "1GiB" });
  await insertEvents(store.pool, store.t, EVENTS);
  await collectBatch(store.ctx());
  await insertKey(store.pool, store.t, {
    scope: "g",
    endpoint: P,
    key: "stuck-1",
    status: "in_progress",
    lockedSecondsAgo: 600,
  });
  await store.pool.query(
    `INSERT INTO ${store.t.keys} (scope, endpoint, key, request_hash, status, expires_at)
     VALUES ('h', $1, 'old', 'x', 'completed', now() - interval '120 seconds')`,
    [R],
  );
});
afterAll(() => store.drop());

describe("GET /api/metrics", () => {
  it("reports every store-derived series with the value the raw rows give", async () => {
    const { samples } = await scrape();
    const v = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(samples, name, labels);
    const req = (endpoint: string, outcome: string) =>
      v("idemscope_requests_total", { endpoint, outcome });
    expect([req(P, "claimed"), req(P, "replayed"), req(P, "conflict"), req(P, "mismatch")]).toEqual(
      [3, 2, 1, 1],
    );
    expect([req(R, "claimed"), req(R, "reclaimed"), req(R, "replayed")]).toEqual([4, 0, 0]);
    const done = (endpoint: string, outcome: string) =>
      v("idemscope_completions_total", { endpoint, outcome });
    expect([done(P, "success"), done(R, "success"), done(R, "error"), done(R, "failed")]).toEqual([
      2, 2, 1, 1,
    ]);
    expect(v("idemscope_first_successes_total", { endpoint: P })).toBe(2);
    expect(v("idemscope_first_successes_total", { endpoint: R })).toBe(1);
    expect(v("idemscope_duplicate_successes_total", { endpoint: P })).toBe(0);
    expect(v("idemscope_duplicate_successes_total", { endpoint: R })).toBe(1);
    expect(v("idemscope_operator_actions_total", { endpoint: P, outcome: "released" })).toBe(1);
    expect(v("idemscope_keys_expired_total", { endpoint: R })).toBe(1);

    // replays of 2 ms and 8 ms: cumulative buckets, sum in seconds, count
    const bucket = (le: string) =>
      v("idemscope_replay_latency_seconds_bucket", { endpoint: P, le });
    expect([bucket("0.0015"), bucket("0.003"), bucket("0.0075"), bucket("0.01")]).toEqual([
      0, 1, 1, 2,
    ]);
    expect(bucket("+Inf")).toBe(2);
    expect(v("idemscope_replay_latency_seconds_count", { endpoint: P })).toBe(2);
    expect(v("idemscope_replay_latency_seconds_sum", { endpoint: P })).toBeCloseTo(0.01, 9);

    // claims timed by the reference writer (1.2 and 6 ms on P; none on R)
    const claims = (le: string) => v("idemscope_claim_latency_seconds_bucket", { endpoint: P, le });
    expect([claims("0.001"), claims("0.0015"), claims("0.0075"), claims("+Inf")]).toEqual([
      0, 1, 2, 2,
    ]);
    expect(v("idemscope_claim_latency_seconds_sum", { endpoint: P })).toBeCloseTo(0.0072, 9);
    expect(v("idemscope_claim_latency_seconds_count", { endpoint: R })).toBe(0);

    expect(v("idemscope_stuck_keys", { endpoint: P })).toBe(1);
    expect(v("idemscope_stuck_keys", { endpoint: R })).toBe(0);
    expect(v("idemscope_stuck_key_oldest_age_seconds", { endpoint: P })).toBeGreaterThan(599);
    expect(v("idemscope_stuck_key_oldest_age_seconds", { endpoint: P })).toBeLessThan(660);
    expect(v("idemscope_store_expired_keys")).toBe(1);
    expect(v("idemscope_store_oldest_expired_key_age_seconds")).toBeGreaterThan(119);
    expect(v("idemscope_store_table_bytes", { table: "idempotency_keys" })).toBeGreaterThan(8192);
    expect(v("idemscope_store_table_bytes", { table: "idempotency_events" })).toBeGreaterThan(8192);
    expect(v("idemscope_store_size_budget_bytes")).toBe(2 ** 30);
    expect(v("idemscope_duplicate_success_rate_target_ratio")).toBe(0.001);
    expect(v("idemscope_purge_grace_seconds")).toBe(900);
    expect(v("idemscope_collector_events_total")).toBe(EVENTS.length);
    expect(v("idemscope_collector_errors_total")).toBe(0);
    expect(v("idemscope_collector_lag_seconds")).toBeLessThan(30);
    expect(v("idemscope_collector_leader")).toBe(0); // IDEMSCOPE_COLLECTOR=off here
    expect(samples.some((s) => s.name === "process_cpu_seconds_total")).toBe(true);
  });

  it("labels series by endpoint, outcome, table, bucket and pool only: never by key or client", async () => {
    const { samples } = await scrape();
    const labelNames = new Set(own(samples).flatMap((s) => Object.keys(s.labels)));
    // `preset` names the store's layout (one series), never a key or client
    expect([...labelNames].sort()).toEqual([
      "endpoint",
      "le",
      "outcome",
      "pool",
      "preset",
      "table",
    ]);
    const values = own(samples).flatMap((s) => Object.values(s.labels));
    for (const privateValue of ["a", "b", "k1", "stuck-1", "old"]) {
      expect(values).not.toContain(privateValue);
    }
  });

  it("exposes exactly the series docs/metrics.md lists, with their types and labels", async () => {
    const { text, samples } = await scrape();
    const { types } = parseExposition(text);
    const documented = documentedSeries();
    expect(documented.map((d) => `${d.name} ${d.type}`).sort()).toEqual(
      [...types].map(([name, type]) => `${name} ${type}`).sort(),
    );
    for (const d of documented.filter((x) => x.name.startsWith("idemscope_"))) {
      const own = samples.filter((s) => s.name === d.name || s.name.startsWith(`${d.name}_`));
      // a labelled series documented "absent when unknown" has no sample to show its labels
      if (own.length === 0 && d.labels.length > 0) continue;
      const labels = new Set(own.flatMap((s) => Object.keys(s.labels)).filter((l) => l !== "le"));
      expect([...labels].sort(), d.name).toEqual([...d.labels].sort());
    }
  });

  it("passes promtool check metrics", async () => {
    const { text } = await scrape();
    const r = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(r.error, "promtool (Debian package prometheus) must be installed").toBeUndefined();
    expect(`${r.stdout}${r.stderr}`.trim()).toBe("");
    expect(r.status).toBe(0);
  });

  it("keeps the number of series flat when 10,000 new keys from 10,000 new clients arrive", async () => {
    const before = own((await scrape()).samples);
    await store.pool.query(
      `INSERT INTO ${store.t.events} (at, scope, endpoint, key, kind, response_code, latency_ms, instance)
       SELECT now() - interval '30 seconds', 'new-client-' || g,
              CASE WHEN g % 2 = 0 THEN $1 ELSE $2 END, 'new-key-' || g, k.kind,
              CASE WHEN k.kind = 'claimed' THEN NULL ELSE 201 END,
              CASE WHEN k.kind = 'replayed' THEN 1 + g % 50 END, 'bulk'
         FROM generate_series(1, 10000) g
        CROSS JOIN (VALUES ('claimed', 1), ('completed', 2), ('replayed', 3)) AS k(kind, ord)
        ORDER BY g, k.ord`,
      [P, R],
    );
    await collectBatch(store.ctx());
    await nextSnapshot();
    const after = own((await scrape()).samples);
    const series = (xs: PromSample[]) => xs.map((s) => `${s.name}${JSON.stringify(s.labels)}`);
    expect(series(after)).toEqual(series(before));
    const claimed = (xs: PromSample[], endpoint: string) =>
      sampleValue(xs, "idemscope_requests_total", { endpoint, outcome: "claimed" });
    expect(claimed(after, P) - claimed(before, P)).toBe(5000);
    expect(claimed(after, R) - claimed(before, R)).toBe(5000);
  });

  it("serves the same counters after a restart and after retention empties the rollups", async () => {
    const counters = (xs: PromSample[]) =>
      own(xs)
        // store-derived counters (the pool counter is per process, like process_*)
        .filter((s) => /_total$|_bucket$|_count$|_sum$/.test(s.name))
        .filter((s) => !s.name.startsWith("idemscope_dashboard_"))
        .map((s) => [s.name, s.labels, s.value]);
    const before = counters((await scrape()).samples);
    // a new process: no registry, no in-memory state
    delete (globalThis as { idemscopeRegistry?: unknown }).idemscopeRegistry;
    await nextSnapshot();
    expect(counters((await scrape()).samples)).toEqual(before);

    const cfg = parseConfig({});
    await applyRetention(store.ctx(), {
      ...cfg.retentionDays,
      minute: 1e-9,
      hour: 1e-9,
      day: 1e-9,
    });
    const left = await store.pool.query(
      `SELECT count(*)::int AS n FROM ${store.t.ownTable("rollup_events")}`,
    );
    expect(left.rows[0].n).toBe(0);
    await nextSnapshot();
    expect(counters((await scrape()).samples)).toEqual(before);
  });
});
