// Span capture with a real traced service: rocket-rides' POST /rides behind HTTP, instrumented by
// @opentelemetry/sdk-node + instrumentation-http, exporting OTLP/HTTP to idemscope's POST
// /v1/traces, its table captured by logical decoding. The fault scenario's replays, 409s and 422s
// write nothing to the table; with the spans, every headline number of the Overview, the Clients
// page and Trends equals the ground truth the scenario recorded.
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CLIENT_RANGES } from "../../../lib/client/api-types/clients";
import { parseConfig } from "../../../lib/core/config";
import { refreshClientRange } from "../../../lib/fold/client-totals";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { setActiveSource } from "../../../lib/contract/source-binding";
import { getKeyLifecycle } from "../../../lib/query/store/lifecycle";
import { getOverview } from "../../../lib/query/store/overview";
import { loadClients } from "../../../lib/query/views/clients";
import { loadTrends } from "../../../lib/query/views/trends";
import { runFaultScenario, type GroundTruth } from "../../../scripts/demo/fault-scenario";
import { ridesHttpClient } from "../../../scripts/demo/rides-client";
import { startOtlpReceiver, type Receiver } from "../../helpers/otlp-receiver";
import { collect, spawnScript, waitForOutput } from "../../helpers/run-script";
import { useStoreForRoutes } from "../../helpers/route-env";
import {
  connectLibraryStore,
  libraryClientOf,
  type ConnectedStore,
} from "../../helpers/source-store";
import { NO_CLAIM_TIME } from "../../../lib/contract/coverage";
import { createTestStore, type TestStore } from "../../helpers/store";
import { LOGICAL } from "../../../lib/contract/capture-modes";

const TOKEN = "span-test-token-0123456789";
let store: TestStore;
let src: ConnectedStore;
let receiver: Receiver;
let truth: GroundTruth;
const cfg = parseConfig({ IDEMSCOPE_CACHE_TTL_MS: "0" });

/** The traced service in a process of its own; resolves with its URL and a stop that flushes. */
async function startTracedService(protocol: "json" | "protobuf", compression: "gzip" | "none") {
  const child: ChildProcess = spawnScript("demo/traced-rides-service.ts", [], {
    DATABASE_URL: inject("databaseUrl"),
    RIDES_TABLE: src.table,
    OTLP_TRACES_URL: receiver.url,
    OTLP_TOKEN: TOKEN,
    OTLP_PROTOCOL: protocol,
    OTLP_COMPRESSION: compression,
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

async function foldEverything() {
  await src.settle();
  for (let i = 0; i < 20; i++) if ((await collectBatch(src.ctx(cfg))).caughtUp) break;
  for (const range of CLIENT_RANGES) await refreshClientRange(src.ctx(cfg), range);
}

beforeAll(async () => {
  store = await createTestStore();
  useStoreForRoutes(store, { IDEMSCOPE_OTLP_TOKEN: TOKEN, IDEMSCOPE_CACHE_TTL_MS: "0" });
  src = await connectLibraryStore(store, "stripe-style", { capture: LOGICAL, spans: true });
  setActiveSource(src.binding); // what the receiver's process reads from the database
  receiver = await startOtlpReceiver();
  const service = await startTracedService("json", "none");
  const direct = libraryClientOf(store, src);
  truth = await runFaultScenario(ridesHttpClient(service.url, direct), "sp");
  await service.stop();
  await foldEverything();
}, 120_000);
afterAll(async () => {
  await receiver?.close();
  setActiveSource(null);
  await src?.disconnect();
  await store.drop();
});

const sent = () => Object.values(truth.outcomes).reduce((s, n) => s + n, 0);

describe("span capture with a traced service", () => {
  it("sees replays, 409s and 422s: the Overview's numbers equal the ground truth", async () => {
    const o = await getOverview(src.ctx(cfg), "1h");
    expect(truth.replayed).toBeGreaterThan(0);
    expect(truth.conflicts).toBeGreaterThan(0);
    expect(truth.mismatches).toBeGreaterThan(0);
    // everything but claim latency: only the reference writer times its unique insert
    expect(o.source.notCaptured).toEqual({ claimLatency: NO_CLAIM_TIME });
    expect(o.requests).toBe(sent());
    expect(o.requests).toBe(truth.executions + truth.replayed + truth.conflicts + truth.mismatches);
    expect(o.replayed).toBe(truth.replayed);
    expect(o.replayRatio).toBeCloseTo(truth.replayed / sent(), 10);
    expect(o.conflicts).toBe(truth.conflicts);
    expect(o.mismatches).toBe(truth.mismatches);
    expect(o.duplicateSuccesses).toBe(truth.duplicateSuccesses);
    expect(truth.duplicateSuccesses).toBeGreaterThan(0); // late retries after expiry
    // a replay's latency is its span's duration
    expect(o.replayLatencyMs.p95).toBeGreaterThan(0);
  });

  it("counts retries per client as the clients sent them (Clients page)", async () => {
    const list = await loadClients(src.ctx(cfg), {
      range: "24h",
      sort: "requests",
      dir: "desc",
      limit: 50,
    });
    const shown = Object.fromEntries(
      list.items.map((c) => [c.scope, { requests: c.requests, keys: c.keys }]),
    );
    expect(shown).toEqual(truth.perClient);
    for (const c of list.items)
      expect(c.retriesPerKey).toBeCloseTo(
        truth.perClient[c.scope]!.requests / truth.perClient[c.scope]!.keys,
        10,
      );
  });

  it("shows the day's requests, duplicates prevented and duplicate successes (Trends)", async () => {
    const trends = await loadTrends(src.ctx(cfg), { range: "7d" });
    const today = trends.days.at(-1)!;
    expect(today.requests).toBe(sent());
    expect(today.replayed).toBe(truth.replayed);
    expect(today.duplicateSuccesses).toBe(truth.duplicateSuccesses);
  });

  it("puts span-derived requests on the key's timeline with their trace", async () => {
    const r = await store.pool.query<{ key_id: string; trace_id: string }>(
      `SELECT key_id, trace_id FROM ${src.t.events} WHERE kind = 'replayed' ORDER BY at LIMIT 1`,
    );
    const replay = r.rows[0]!;
    expect(replay.trace_id).toMatch(/^[0-9a-f]{32}$/);
    const life = await getKeyLifecycle(src.ctx(cfg), { id: replay.key_id });
    const kinds = life.events.map((e) => e.kind);
    expect(kinds.slice(0, 2)).toEqual(["claimed", "completed"]);
    const shown = life.events.find((e) => e.kind === "replayed")!;
    expect(shown.traceId).toBe(replay.trace_id);
  });

  it("records each span once though an exporter sends it again, and protobuf with gzip alike", async () => {
    const before = await getOverview(src.ctx(cfg), "1h");
    const service = await startTracedService("protobuf", "gzip");
    const direct = libraryClientOf(store, src);
    const client = ridesHttpClient(service.url, direct);
    const i = { client: 3, key: "sp-proto", amount: 100 };
    expect(await client.request(i, {})).toBe("completed");
    expect(await client.request(i, {})).toBe("replayed");
    expect(await client.request(i, { amount: 101 })).toBe("mismatch");
    await service.stop();
    await foldEverything();
    const after = await getOverview(src.ctx(cfg), "1h");
    expect(after.requests - before.requests!).toBe(3);
    expect(after.replayed! - before.replayed!).toBe(1);
    expect(after.mismatches! - before.mismatches!).toBe(1);
    // the same export again (an exporter retrying after a lost answer) adds nothing
    const again = await store.pool.query<{ trace_id: string; span_id: string }>(
      `SELECT trace_id, span_id FROM ${src.t.events} WHERE key = 'sp-proto' AND span_id IS NOT NULL`,
    );
    expect(again.rows).toHaveLength(2);
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [
            {
              spans: again.rows.map((row) => ({
                traceId: row.trace_id,
                spanId: row.span_id,
                kind: 2,
                startTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
                endTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
                attributes: [
                  { key: "http.request.method", value: { stringValue: "POST" } },
                  { key: "url.path", value: { stringValue: "/rides" } },
                  { key: "http.response.status_code", value: { intValue: 422 } },
                  { key: "enduser.id", value: { stringValue: "3" } },
                  {
                    key: "http.request.header.idempotency-key",
                    value: { arrayValue: { values: [{ stringValue: "sp-proto" }] } },
                  },
                ],
              })),
            },
          ],
        },
      ],
    };
    const res = await fetch(receiver.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    const n = await store.pool.query(
      `SELECT count(*)::int AS n FROM ${src.t.events} WHERE key = 'sp-proto'`,
    );
    expect(n.rows[0].n).toBe(2 + 2); // claim and completion from the rows, replay and 422 from spans
  }, 60_000);
});
