// The span-only source (docs/capture.md, "Spans only"): rocket-rides' POST /rides with its keys in
// the service's memory, as AWS Powertools keeps them in Redis or DynamoDB, traced by
// @opentelemetry/sdk-node and exporting OTLP/HTTP to idemscope's POST /v1/traces. No table is
// read. The fault scenario's numbers equal its ground truth wherever spans can see (requests,
// replays, 409s, 422s, duplicate successes, retries per client, latencies, recent errors, hot
// keys); stuck keys, store size and the actions say "not visible without the store".
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../../lib/core/config";
import { refreshClientRange } from "../../../lib/fold/client-totals";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { CLIENT_RANGES } from "../../../lib/client/api-types/clients";
import { SPANS_ONLY } from "../../../lib/contract/capture-modes";
import { coverageOf } from "../../../lib/contract/coverage";
import {
  NO_STORE_ACTIONS,
  NOT_VISIBLE_WITHOUT_STORE,
  spansOnlyPreset,
} from "../../../lib/contract/preset-spans-only";
import { setActiveSource, type SourceBinding } from "../../../lib/contract/source-binding";
import { tableNamesFor, type TableNames } from "../../../lib/contract/tables";
import { writeContextOf } from "../../../lib/contract/context";
import { applyConnect, planConnect, uninstallSource } from "../../../lib/ingest/sources/connect";
import { listHotKeys } from "../../../lib/query/store/hot-keys";
import { searchKeys } from "../../../lib/query/store/key-search";
import { getKeyLifecycle } from "../../../lib/query/store/lifecycle";
import { getOverview } from "../../../lib/query/store/overview";
import { getStuckSeriesPanel } from "../../../lib/query/store/stuck-series";
import { listRecentErrors } from "../../../lib/query/store/recent-errors";
import { getStoreReport } from "../../../lib/query/store/store-report";
import { listStuckKeys } from "../../../lib/query/store/stuck";
import { loadClients } from "../../../lib/query/views/clients";
import { runFaultScenario, type GroundTruth } from "../../../scripts/demo/fault-scenario";
import { memoryRidesClient } from "../../../scripts/demo/rides-client";
import { startOtlpReceiver, type Receiver } from "../../helpers/otlp-receiver";
import { collect, runConnect, spawnScript, waitForOutput } from "../../helpers/run-script";
import { getRequest, useStoreForRoutes } from "../../helpers/route-env";
import { parseExposition, sampleValue } from "../../helpers/prom-text";
import { ownNames } from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";

const TOKEN = "spans-only-token-0123456789";
const LOCK_SECONDS = 60;
const TTL_SECONDS = 300;
let store: TestStore;
let binding: SourceBinding;
let t: TableNames;
let receiver: Receiver;
let truth: GroundTruth;
const cfg = parseConfig({ IDEMSCOPE_CACHE_TTL_MS: "0" });
const ctx = () => writeContextOf(store.pool, t, cfg);

/** The rides service with its keys in memory, traced, in a process of its own. */
async function startMemoryService() {
  const child: ChildProcess = spawnScript("demo/traced-rides-service.ts", [], {
    RIDES_STORE: "memory",
    RIDES_LOCK_SECONDS: String(LOCK_SECONDS),
    RIDES_TTL_SECONDS: String(TTL_SECONDS),
    OTLP_TRACES_URL: receiver.url,
    OTLP_TOKEN: TOKEN,
    OTLP_PROTOCOL: "json",
    OTLP_COMPRESSION: "none",
  });
  const out = collect(child);
  const url = (await waitForOutput(out.output, /rides service: (http:\S+)/))[1]!;
  return {
    url,
    stop: async () => {
      child.kill("SIGTERM"); // the SDK exports what it still holds, then the process exits
      const r = await out.result;
      expect(r.code, r.stderr).toBe(0);
    },
  };
}

beforeAll(async () => {
  store = await createTestStore();
  useStoreForRoutes(store, { IDEMSCOPE_OTLP_TOKEN: TOKEN, IDEMSCOPE_CACHE_TTL_MS: "0" });
  const preset = spansOnlyPreset(store.layout.idemscopeSchema);
  const plan = await planConnect(store.pool, preset, preset.table, ownNames(store), {
    capture: SPANS_ONLY,
    spans: true,
    importsHistory: false,
  });
  expect(plan.problems).toEqual([]);
  await applyConnect(store.pool, plan, ownNames(store));
  binding = plan.binding;
  t = tableNamesFor(store.layout, binding);
  setActiveSource(binding); // what the receiver's process reads from the database
  receiver = await startOtlpReceiver();
  const service = await startMemoryService();
  const client = memoryRidesClient(service.url, {
    lockSeconds: LOCK_SECONDS,
    ttlSeconds: TTL_SECONDS,
  });
  truth = await runFaultScenario(client, "so");
  await service.stop();
  for (let i = 0; i < 20; i++) if ((await collectBatch(ctx())).caughtUp) break;
  for (const range of CLIENT_RANGES) await refreshClientRange(ctx(), range);
}, 120_000);
afterAll(async () => {
  await receiver?.close();
  setActiveSource(null);
  await uninstallSource(store.pool, ownNames(store)).catch(() => undefined);
  await store.drop();
});

const sent = () => Object.values(truth.outcomes).reduce((s, n) => s + n, 0);

describe("a span-only source (a store in memory, traced)", () => {
  it("shows the scenario's headline numbers exactly: requests, replays, 409s, 422s, duplicates", async () => {
    const o = await getOverview(ctx(), "1h");
    expect(truth.replayed).toBeGreaterThan(0);
    expect(truth.conflicts).toBeGreaterThan(0);
    expect(truth.mismatches).toBeGreaterThan(0);
    expect(truth.duplicateSuccesses).toBeGreaterThan(0); // late retries after expiry
    expect(o.requests).toBe(sent());
    expect(o.requests).toBe(truth.executions + truth.replayed + truth.conflicts + truth.mismatches);
    expect(o.replayed).toBe(truth.replayed);
    expect(o.conflicts).toBe(truth.conflicts);
    expect(o.mismatches).toBe(truth.mismatches);
    expect(o.duplicateSuccesses).toBe(truth.duplicateSuccesses);
    // latencies are the spans' durations: replays, and executions as claims
    expect(o.replayLatencyMs.p95).toBeGreaterThan(0);
    const rides = o.busiestEndpoints.find((e) => e.endpoint === "POST /rides")!;
    expect(rides.requests).toBe(sent());
    expect(rides.claimLatencyMs?.p50).toBeGreaterThan(0);
  });

  it("says stuck keys, store size and expiries are not visible, instead of a zero", async () => {
    const o = await getOverview(ctx(), "1h");
    expect(o.stuckKeys).toBeNull();
    expect(o.stuckSeries).toBeNull();
    expect(o.unavailable).toEqual({});
    expect(o.source.capture).toBe("spans");
    expect(o.source.notCaptured).toEqual({
      reclaims: expect.stringContaining("every execution counts as a claim"),
      expiries: expect.stringContaining(NOT_VISIBLE_WITHOUT_STORE),
      store: NOT_VISIBLE_WITHOUT_STORE,
    });
    const series = await getStuckSeriesPanel(ctx(), "1h");
    expect(series.notCaptured).toBe(NOT_VISIBLE_WITHOUT_STORE);
    const stuck = await listStuckKeys(ctx(), {}, { limit: 50 });
    expect(stuck).toMatchObject({ items: [], notCaptured: NOT_VISIBLE_WITHOUT_STORE });
    const report = await getStoreReport(ctx(), "7d");
    expect(report.source.notCaptured.store).toBe(NOT_VISIBLE_WITHOUT_STORE);
    const rows = Object.fromEntries(coverageOf(binding).map((r) => [r.panel, r]));
    for (const panel of ["Stuck keys", "Store size"])
      expect(rows[panel]).toEqual({
        panel,
        status: "unavailable",
        detail: NOT_VISIBLE_WITHOUT_STORE,
      });
    for (const panel of ["Release", "Fail"])
      expect(rows[panel]).toEqual({ panel, status: "unavailable", detail: NO_STORE_ACTIONS });
    expect(rows["Duplicate successes"]!.status).toBe("available");
  });

  it("leaves the stuck-key series out of /api/metrics (absent, not 0) and counts the requests", async () => {
    const { GET } = (await import("../../../app/api/metrics/route")) as unknown as {
      GET: (req: ReturnType<typeof getRequest>) => Promise<Response>;
    };
    const res = await GET(getRequest("/api/metrics"));
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const { samples } = parseExposition(text);
    const names = new Set(samples.map((x) => x.name));
    for (const absent of [
      "idemscope_stuck_keys",
      "idemscope_stuck_key_oldest_age_seconds",
      "idemscope_store_expired_keys",
    ])
      expect(names.has(absent), absent).toBe(false);
    expect(
      sampleValue(samples, "idemscope_requests_total", {
        endpoint: "POST /rides",
        outcome: "replayed",
      }),
    ).toBe(truth.replayed);
  });

  it("counts retries per client as the clients sent them (Clients page)", async () => {
    const list = await loadClients(ctx(), {
      range: "24h",
      sort: "requests",
      dir: "desc",
      limit: 50,
    });
    const shown = Object.fromEntries(
      list.items.map((c) => [c.scope, { requests: c.requests, keys: c.keys }]),
    );
    expect(shown).toEqual(truth.perClient);
  });

  it("lists recent errors and hot keys from the spans, every kind counted", async () => {
    const errors = await listRecentErrors(ctx(), { kind: "all", limit: 100 });
    const kinds = (k: string) => errors.errors.filter((e) => e.kind === k).length;
    expect(kinds("conflict")).toBe(truth.conflicts);
    expect(kinds("mismatch")).toBe(truth.mismatches);
    // crashed workers: their spans end in a 500 (the scenario's two crashes)
    expect(kinds("failed")).toBe(truth.outcomes.crashed ?? 0);
    expect(errors.notCaptured).toEqual({});
    const hot = await listHotKeys(ctx(), { range: "1h", limit: 10 });
    expect(hot.notCounted).toEqual({});
    expect(hot.keys[0]!.requests).toBeGreaterThanOrEqual(3); // the crashed, retried twice
  });

  it("puts every request of a key on its timeline, linked to its trace", async () => {
    const late = { scope: "2", endpoint: "POST /rides" };
    const r = await store.pool.query<{ key: string; scope: string }>(
      `SELECT key, scope FROM ${t.events} WHERE kind = 'replayed' ORDER BY at LIMIT 1`,
    );
    const replayed = r.rows[0]!;
    const life = await getKeyLifecycle(ctx(), { ...late, ...replayed });
    const kinds = life.events.map((e) => e.kind);
    expect(kinds).toEqual(["claimed", "completed", "replayed"]);
    expect(life.key).toBeNull();
    expect(life).toMatchObject({
      lastOutcome: "completed",
      storeNotRead: NOT_VISIBLE_WITHOUT_STORE,
    });
    for (const e of life.events) expect(e.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe("key search on spans alone", () => {
  it("lists a client's keys newest first, with their last outcome, and finds a key by prefix", async () => {
    const byClient = await searchKeys(ctx(), { scope: "1" }, { limit: 50 });
    expect(byClient.slow).toBeNull();
    expect(byClient.items).toHaveLength(truth.perClient["1"]!.keys);
    const seen = byClient.items.map((i) => Date.parse(i.lastSeenAt));
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(byClient.items.every((i) => i.status === "completed")).toBe(true);
    const failed = await searchKeys(ctx(), { status: "failed" }, { limit: 50 });
    expect(failed.items).toHaveLength(0); // each crashed key succeeded on its last retry
    const prefix = await searchKeys(ctx(), { prefix: "so-1" }, { limit: 50 });
    expect(prefix.items.map((i) => i.key).sort()).toEqual(
      ["so-1", "so-10", "so-11", "so-12", "so-13", "so-14", "so-15"].sort(),
    );
    expect(prefix.items.every((i) => i.id === null && i.status !== "purged")).toBe(true);
    const purged = await searchKeys(ctx(), { status: "purged" }, { limit: 50 });
    expect(purged.items).toEqual([]);
  });

  it("pages through every intent once, newest first", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof searchKeys>> = await searchKeys(
        ctx(),
        {},
        {
          limit: 4,
          cursor: cursor
            ? (JSON.parse(Buffer.from(cursor, "base64url").toString()) as never)
            : undefined,
        },
      );
      seen.push(...page.items.map((i) => `${i.scope}/${i.key}`));
      cursor = page.nextCursor;
    } while (cursor);
    const intents = Object.values(truth.perClient).reduce((n, c) => n + c.keys, 0);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(intents);
  });
});

describe("npm run connect -- --capture spans", () => {
  const own = `so_${randomBytes(4).toString("hex")}_own`;
  const run = (args: string[]) => runConnect(inject("databaseUrl"), { own, store: "public" }, args);
  afterAll(async () => {
    await store.pool.query(`DROP SCHEMA IF EXISTS ${own} CASCADE`);
  });

  it("needs no table: prints the coverage, applies once, uninstalls cleanly", async () => {
    const plan = await run(["--capture", "spans"]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain("no table of the service's is read");
    expect(plan.stdout).toMatch(/Stuck keys\s+unavailable\s+not visible without the store/);
    const applied = await run(["--capture", "spans", "--apply"]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain("connected: spans-only, no table read");
    const again = await run(["--preset", "spans-only", "--apply"]);
    expect(again.stdout).toContain("already connected");
    // the stand-in can never hold a row
    await expect(
      store.pool.query(`INSERT INTO ${own}.span_only_keys (key) VALUES ('x')`),
    ).rejects.toThrow(/never_written/);
    const removed = await run(["--uninstall"]);
    expect(removed.code, removed.stderr).toBe(0);
    const left = await store.pool.query(`SELECT to_regclass($1) AS t`, [`${own}.span_only_keys`]);
    expect(left.rows[0].t).toBeNull();
  });

  it("refuses a table or a preset with spans alone, in one line", async () => {
    const r = await run(["--capture", "spans", "--table", "public.idempotency_keys"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    const p = await run(["--capture", "spans", "--preset", "stripe-style"]);
    expect(p.code).toBe(2);
    expect(p.stderr).toContain("reads no table");
  });
});
