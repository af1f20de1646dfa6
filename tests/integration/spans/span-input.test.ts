// Span input is validated span by span (docs/reliability.md, findings 5 and 11): a span with
// absurd ids or times is refused alone, in OTLP's partial success, and counted; a span dated before
// its intent's captured claim is moved to it (a skewed clock never moves an intent's first request
// back, where retention would take the intent and its open duplicate); raw paths never mint
// endpoints.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "../../../app/v1/traces/route";
import { setActiveSource } from "../../../lib/contract/source-binding";
import { spanCounts } from "../../../lib/ingest/spans/span-stats";
import { postRide } from "../../../scripts/demo/writers/stripe-style";
import { useStoreForRoutes } from "../../helpers/route-env";
import {
  capturedKinds,
  connectLibraryStore,
  type ConnectedStore,
} from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";
import { TRIGGERS } from "../../../lib/contract/capture-modes";

const TOKEN = "span-input-test-token-0123456789";
let store: TestStore;
let src: ConnectedStore;

type SpanInput = {
  key: string;
  startMs: number;
  durationMs?: number;
  path?: string;
  status?: number;
  replay?: boolean;
  traceId?: string;
};

function span(s: SpanInput) {
  const start = BigInt(Math.round(s.startMs)) * 1_000_000n;
  const end = start + BigInt(Math.round((s.durationMs ?? 5) * 1_000_000));
  const attr = (key: string, value: object) => ({ key, value });
  return {
    traceId: s.traceId ?? randomBytes(16).toString("hex"),
    spanId: randomBytes(8).toString("hex"),
    kind: 2,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(end),
    attributes: [
      attr("http.request.header.idempotency-key", { stringValue: s.key }),
      attr("http.request.method", { stringValue: "POST" }),
      attr("url.path", { stringValue: s.path ?? "/rides" }),
      attr("enduser.id", { stringValue: "5" }),
      attr("http.response.status_code", { intValue: s.status ?? 201 }),
      ...(s.replay
        ? [attr("http.response.header.idempotent-replayed", { stringValue: "true" })]
        : []),
    ],
  };
}

async function exportSpans(spans: object[]) {
  const r = await POST(
    new Request("http://127.0.0.1/v1/traces", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }),
    }),
  );
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

const claimAt = async (key: string) =>
  (
    await store.pool.query<{ at: Date }>(
      `SELECT min(at) AS at FROM ${src.t.events} WHERE key = $1 AND kind = 'claimed'`,
      [key],
    )
  ).rows[0]!.at;

beforeAll(async () => {
  store = await createTestStore();
  useStoreForRoutes(store, { IDEMSCOPE_OTLP_TOKEN: TOKEN });
  src = await connectLibraryStore(store, "stripe-style", { capture: TRIGGERS, spans: true });
  setActiveSource(src.binding);
  await postRide(store.pool, src.table, { userId: 5, key: "k-1", params: {} });
  await capturedKinds(store, src.t);
});
afterAll(async () => {
  setActiveSource(null);
  await src?.disconnect();
  await store.drop();
});

describe("span input", () => {
  it("refuses absurd spans alone and records the rest of the batch", async () => {
    const now = Date.now();
    const rejectedBefore = spanCounts().rejected;
    const r = await exportSpans([
      span({ key: "k-1", startMs: 0, replay: true }), // 1970
      span({ key: "k-1", startMs: Date.UTC(2100, 0, 1), status: 409 }), // a conflict dated 2100
      span({ key: "k-1", startMs: now, durationMs: -50, replay: true }), // negative duration
      span({ key: "k-1", startMs: now, replay: true, traceId: "00".repeat(16) }), // no trace id
      span({ key: "k-1", startMs: now, replay: true }), // a good replay
    ]);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ partialSuccess: { rejectedSpans: 4 } });
    expect(String((r.body.partialSuccess as { errorMessage: string }).errorMessage)).toMatch(
      /older than idemscope's intent horizon/,
    );
    expect(spanCounts().rejected - rejectedBefore).toBe(4);
    const kinds = await store.pool.query<{ kind: string; n: number; latency: number | null }>(
      `SELECT kind, count(*)::int AS n, min(latency_ms)::float8 AS latency FROM ${src.t.events}
        WHERE key = 'k-1' AND span_id IS NOT NULL GROUP BY kind`,
    );
    expect(kinds.rows).toEqual([{ kind: "replayed", n: 1, latency: 5 }]);
  });

  it("never dates a request before the intent's captured claim (finding 5)", async () => {
    const claimed = await claimAt("k-1");
    await exportSpans([
      span({ key: "k-1", startMs: claimed.getTime() - 3_600_000, status: 409 }), // a skewed clock
    ]);
    const conflict = await store.pool.query<{ at: Date }>(
      `SELECT at FROM ${src.t.events} WHERE key = 'k-1' AND kind = 'conflict'`,
    );
    expect(conflict.rows[0]!.at.getTime()).toBe(claimed.getTime());
    // the intent's first request is still its claim
    const first = await store.pool.query<{ at: Date }>(
      `SELECT min(at) AS at FROM ${src.t.events} WHERE key = 'k-1'`,
    );
    expect(first.rows[0]!.at.getTime()).toBe(claimed.getTime());
  });

  it("never mints an endpoint from a raw path (finding 11)", async () => {
    const now = Date.now();
    const cappedBefore = spanCounts().endpoint_capped;
    const r = await exportSpans(
      Array.from({ length: 300 }, (_, i) =>
        span({ key: `path-${i}`, startMs: now, path: `/v1/payments/pay_${i}`, replay: true }),
      ),
    );
    expect(r.status).toBe(200);
    expect(spanCounts().endpoint_capped - cappedBefore).toBe(300);
    const endpoints = await store.pool.query<{ endpoint: string }>(
      `SELECT DISTINCT endpoint FROM ${src.t.events} WHERE key LIKE 'path-%'`,
    );
    expect(endpoints.rows).toEqual([{ endpoint: "POST (other)" }]);
  });
});
