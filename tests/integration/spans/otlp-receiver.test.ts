// POST /v1/traces refuses what it must, each with a status an exporter understands and a message
// an operator can act on: no token configured (404), a wrong token (401), another content type or
// encoding (415), a body too large before or after decompression (413), a body that is not OTLP
// (400), span capture not connected (404), and when it is already busy, 429 with Retry-After.
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "../../../app/v1/traces/route";
import { setActiveSource } from "../../../lib/contract/source-binding";
import { useStoreForRoutes } from "../../helpers/route-env";
import { connectLibraryStore, type ConnectedStore } from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";
import { TRIGGERS } from "../../../lib/contract/capture-modes";

const TOKEN = "receiver-test-token-0123456789";
let store: TestStore;
let src: ConnectedStore;

function post(body: BodyInit, headers: Record<string, string> = {}) {
  return POST(
    new Request("http://127.0.0.1/v1/traces", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}`, ...headers },
      body,
    }),
  );
}

const empty = JSON.stringify({ resourceSpans: [] });

beforeAll(async () => {
  store = await createTestStore();
  useStoreForRoutes(store, { IDEMSCOPE_OTLP_TOKEN: TOKEN, IDEMSCOPE_SPAN_MAX_BODY_BYTES: "4096" });
  src = await connectLibraryStore(store, "stripe-style", { capture: TRIGGERS, spans: true });
  setActiveSource(src.binding);
});
afterAll(async () => {
  setActiveSource(null);
  await src?.disconnect();
  await store.drop();
});

describe("POST /v1/traces", () => {
  it("accepts an empty export, as JSON and as protobuf", async () => {
    const json = await post(empty);
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({});
    const proto = await post(new Uint8Array(), { "content-type": "application/x-protobuf" });
    expect(proto.status).toBe(200);
    expect(proto.headers.get("content-type")).toBe("application/x-protobuf");
  });

  it("refuses a wrong or missing token", async () => {
    for (const authorization of ["Bearer nope-nope-nope-nope", ""]) {
      const r = await post(empty, { authorization });
      expect(r.status).toBe(401);
      expect((await r.json()).message).toMatch(/bearer token of IDEMSCOPE_OTLP_TOKEN/);
    }
  });

  it("refuses other content types and encodings", async () => {
    const text = await post("x", { "content-type": "text/plain" });
    expect(text.status).toBe(415);
    expect(await text.text()).toMatch(/application\/x-protobuf or application\/json/);
    const br = await post(empty, { "content-encoding": "br" });
    expect(br.status).toBe(415);
  });

  it("refuses a body too large, declared or streamed, and a gzip bomb", async () => {
    const big = JSON.stringify({ resourceSpans: [], pad: "x".repeat(5000) });
    const declared = await post(big);
    expect(declared.status).toBe(413);
    expect((await declared.json()).message).toMatch(/IDEMSCOPE_SPAN_MAX_BODY_BYTES \(4096 bytes\)/);
    const stream = new ReadableStream({
      pull(c) {
        c.enqueue(new TextEncoder().encode("x".repeat(1024)));
      },
    });
    const streamed = await POST(
      new Request("http://127.0.0.1/v1/traces", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(streamed.status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(64 * 1024, 0x20)); // 64 KiB of spaces in a few hundred bytes
    const r = await post(bomb, { "content-encoding": "gzip" });
    expect(r.status).toBe(413);
    expect((await r.json()).message).toMatch(/decompresses to more than/);
  });

  it("says what is wrong with a body that is not OTLP", async () => {
    const r = await post("{not json");
    expect(r.status).toBe(400);
    expect((await r.json()).message).toMatch(/not JSON/);
    const gz = await post("plain", { "content-encoding": "gzip" });
    expect(gz.status).toBe(400);
    expect((await gz.json()).message).toMatch(/not valid gzip/);
  });

  it("answers 429 with Retry-After when every slot is taken, and works again after", async () => {
    const slot = (globalThis as { idemscopeSpanExports?: { inFlight: number } })
      .idemscopeSpanExports!;
    slot.inFlight += 100; // as many exports in flight as a burst from many services
    try {
      const r = await post(empty);
      expect(r.status).toBe(429);
      expect(r.headers.get("retry-after")).toBe("2");
    } finally {
      slot.inFlight -= 100;
    }
    expect((await post(empty)).status).toBe(200);
  });

  it("is 404 while span capture is not connected (the exporter drops, not retries)", async () => {
    setActiveSource({ ...src.binding, spans: false });
    try {
      const body = JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: "0af7651916cd43dd8448eb211c80319c",
                    spanId: "b7ad6b7169203331",
                    kind: 2,
                    startTimeUnixNano: "1",
                    endTimeUnixNano: "2",
                    attributes: [
                      { key: "http.request.header.idempotency-key", value: { stringValue: "k" } },
                      { key: "http.response.status_code", value: { intValue: "409" } },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      });
      const r = await post(body);
      expect(r.status).toBe(404);
      expect((await r.json()).message).toMatch(/--capture logical,spans/);
    } finally {
      setActiveSource(src.binding);
    }
  });
});
