// The OTLP decoders against OpenTelemetry's own serializers (otlp-transformer, what the SDK
// exporters send): spans made by the SDK's tracer come back with their ids, kind, times and
// attributes, from protobuf and from JSON alike; and the span → request mapping.
import { SpanKind } from "@opentelemetry/api";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../lib/core/config";
import {
  decodeJsonRequest,
  decodeProtobufRequest,
  OtlpDecodeError,
} from "../../lib/ingest/spans/otlp";
import { requestOfSpan, samplingRatioOf } from "../../lib/ingest/spans/span-requests";

const spanCfg = parseConfig({}).spans;

function makeSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      "service.name": "rides-api",
      "service.instance.id": "web-7",
    }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer("test");
  const server = (attrs: Record<string, string | number | string[]>) =>
    tracer.startSpan("POST", { kind: SpanKind.SERVER, attributes: attrs }).end();
  server({
    "http.request.method": "POST",
    "url.path": "/rides",
    "http.response.status_code": 201,
    "http.request.header.idempotency-key": ["k-1"],
    "http.response.header.idempotent-replayed": ["true"],
    "enduser.id": "42",
  });
  server({
    "http.request.method": "POST",
    "url.path": "/rides?x=1",
    "http.response.status_code": 409,
    "http.request.header.idempotency-key": ["k-2"],
  });
  server({
    "http.request.method": "post",
    "http.route": "/v1/payments/:id",
    "http.response.status_code": 422,
    "http.request.header.idempotency_key": ["k-3"],
    "enduser.id": "7",
  });
  server({
    "http.request.method": "POST",
    "url.path": "/rides",
    "http.response.status_code": 201,
    "http.request.header.idempotency-key": ["k-4"],
  });
  server({ "http.request.method": "GET", "url.path": "/health", "http.response.status_code": 200 });
  tracer
    .startSpan("client call", {
      kind: SpanKind.CLIENT,
      attributes: { "http.request.header.idempotency-key": ["k-5"] },
    })
    .end();
  return exporter.getFinishedSpans();
}

describe("OTLP requests", () => {
  const spans = makeSpans();
  const protobuf = ProtobufTraceSerializer.serializeRequest(spans)!;
  const json = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)!);

  it.each([
    ["protobuf", () => decodeProtobufRequest(protobuf)],
    ["JSON", () => decodeJsonRequest(json)],
  ])("decodes %s as the SDK's tracer made the spans", (_, decode) => {
    const got = decode();
    expect(got).toHaveLength(spans.length);
    for (const [i, s] of spans.entries()) {
      expect(got[i]!.traceId).toBe(s.spanContext().traceId);
      expect(got[i]!.spanId).toBe(s.spanContext().spanId);
      expect(got[i]!.kind).toBe(s.kind + 1); // the API's enum starts at INTERNAL; OTLP's at UNSPECIFIED
      expect(got[i]!.endNs - got[i]!.startNs).toBe(
        BigInt(s.duration[0]) * 1_000_000_000n + BigInt(s.duration[1]),
      );
      expect(got[i]!.resource.get("service.instance.id")).toBe("web-7");
    }
    expect(got[0]!.attributes.get("http.request.header.idempotency-key")).toEqual(["k-1"]);
    expect(got[0]!.attributes.get("http.response.status_code")).toBe(201);
  });

  it("maps server spans with a key to requests, and drops the rest", () => {
    const got = decodeProtobufRequest(protobuf).map((s) => requestOfSpan(s, spanCfg));
    expect(
      got.map((r) => r && [r.kind, r.endpoint, r.scope, r.key, r.responseCode, r.instance]),
    ).toEqual([
      ["replayed", "POST /rides", "42", "k-1", 201, "web-7"],
      ["conflict", "POST /rides", "(none)", "k-2", 409, "web-7"],
      ["mismatch", "POST /v1/payments/:id", "7", "k-3", 422, "web-7"],
      ["executed", "POST /rides", "(none)", "k-4", 201, "web-7"],
      null, // no idempotency key
      null, // not a server span
    ]);
    expect(got[0]!.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("says what is wrong with a body that is not OTLP", () => {
    expect(() => decodeJsonRequest("{")).toThrow(OtlpDecodeError);
    expect(() => decodeJsonRequest("[1]")).toThrow(/an object with resourceSpans/);
    expect(() => decodeJsonRequest('{"resourceSpans": 3}')).toThrow(/must be an array/);
    expect(() => decodeProtobufRequest(Uint8Array.from([0x0a, 0xff, 0xff, 0xff]))).toThrow(
      OtlpDecodeError,
    );
  });

  it("reads the sampling probability OpenTelemetry puts in tracestate", () => {
    expect(samplingRatioOf("ot=th:8")).toBe(0.5);
    expect(samplingRatioOf("vendor=x,ot=rv:abc;th:c")).toBe(0.25);
    expect(samplingRatioOf("ot=th:0")).toBe(1);
    expect(samplingRatioOf("")).toBeNull();
    expect(samplingRatioOf("ot=rv:12345678901234")).toBeNull();
  });
});
