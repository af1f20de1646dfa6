// OTLP/HTTP trace requests (ExportTraceServiceRequest), decoded from protobuf or from OTLP/JSON
// into the few fields span capture reads (docs/store-contract.md, "Capture modes"). The protobuf
// schema is the subset of opentelemetry-proto's trace, common and resource messages that carries
// those fields, written out as a protobufjs descriptor: fields it leaves out (events, links, …)
// are skipped by the decoder, as protobuf intends.
import protobuf from "protobufjs/light.js";

const keyValue = { fields: { key: { type: "string", id: 1 }, value: { type: "AnyValue", id: 2 } } };
const DESCRIPTOR = {
  nested: {
    ExportTraceServiceRequest: {
      fields: { resourceSpans: { rule: "repeated", type: "ResourceSpans", id: 1 } },
    },
    ResourceSpans: {
      fields: {
        resource: { type: "Resource", id: 1 },
        scopeSpans: { rule: "repeated", type: "ScopeSpans", id: 2 },
      },
    },
    Resource: { fields: { attributes: { rule: "repeated", type: "KeyValue", id: 1 } } },
    ScopeSpans: { fields: { spans: { rule: "repeated", type: "Span", id: 2 } } },
    Span: {
      fields: {
        traceId: { type: "bytes", id: 1 },
        spanId: { type: "bytes", id: 2 },
        traceState: { type: "string", id: 3 },
        name: { type: "string", id: 5 },
        kind: { type: "int32", id: 6 },
        startTimeUnixNano: { type: "fixed64", id: 7 },
        endTimeUnixNano: { type: "fixed64", id: 8 },
        attributes: { rule: "repeated", type: "KeyValue", id: 9 },
        status: { type: "Status", id: 15 },
      },
    },
    Status: { fields: { message: { type: "string", id: 2 }, code: { type: "int32", id: 3 } } },
    KeyValue: keyValue,
    KeyValueList: { fields: { values: { rule: "repeated", type: "KeyValue", id: 1 } } },
    ArrayValue: { fields: { values: { rule: "repeated", type: "AnyValue", id: 1 } } },
    AnyValue: {
      oneofs: {
        value: {
          oneof: [
            "stringValue",
            "boolValue",
            "intValue",
            "doubleValue",
            "arrayValue",
            "kvlistValue",
            "bytesValue",
          ],
        },
      },
      fields: {
        stringValue: { type: "string", id: 1 },
        boolValue: { type: "bool", id: 2 },
        intValue: { type: "int64", id: 3 },
        doubleValue: { type: "double", id: 4 },
        arrayValue: { type: "ArrayValue", id: 5 },
        kvlistValue: { type: "KeyValueList", id: 6 },
        bytesValue: { type: "bytes", id: 7 },
      },
    },
    ExportTraceServiceResponse: {
      fields: { partialSuccess: { type: "ExportTracePartialSuccess", id: 1 } },
    },
    ExportTracePartialSuccess: {
      fields: {
        rejectedSpans: { type: "int64", id: 1 },
        errorMessage: { type: "string", id: 2 },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(DESCRIPTOR);
const RequestType = root.lookupType("ExportTraceServiceRequest");
const ResponseType = root.lookupType("ExportTraceServiceResponse");

/** An attribute value as OTLP carries it, flattened to what the mapping compares. */
export type AttributeValue = string | number | boolean | null | AttributeValue[];
export type Attributes = Map<string, AttributeValue>;

/** One span, with what span capture reads of it and of its resource. */
export type OtlpSpan = {
  traceId: string;
  spanId: string;
  traceState: string;
  /** OTLP SpanKind: 2 = SERVER */
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Attributes;
  resource: Attributes;
};

export class OtlpDecodeError extends Error {}

type AnyValueObject = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValueObject[] };
  kvlistValue?: unknown;
  bytesValue?: unknown;
};
type KeyValueObject = { key?: string; value?: AnyValueObject };
type SpanObject = {
  traceId?: string;
  spanId?: string;
  traceState?: string;
  kind?: number | string;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: KeyValueObject[];
};
type RequestObject = {
  resourceSpans?: {
    resource?: { attributes?: KeyValueObject[] };
    scopeSpans?: { spans?: SpanObject[] }[];
  }[];
};

function valueOf(v: AnyValueObject | undefined): AttributeValue {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(valueOf);
  return null; // maps and bytes carry nothing the mapping reads
}

function attributesOf(list: KeyValueObject[] | undefined): Attributes {
  const out: Attributes = new Map();
  for (const kv of list ?? []) if (kv.key) out.set(kv.key, valueOf(kv.value));
  return out;
}

/** A span time; -1 when it is not a whole number of nanoseconds (that span alone is refused). */
const nanos = (v: string | number | undefined) => {
  try {
    return BigInt(v ?? 0);
  } catch {
    return -1n;
  }
};

function spansOf(req: RequestObject): OtlpSpan[] {
  const spans: OtlpSpan[] = [];
  for (const rs of req.resourceSpans ?? []) {
    const resource = attributesOf(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? [])
      for (const s of ss.spans ?? [])
        spans.push({
          traceId: (s.traceId ?? "").toLowerCase(),
          spanId: (s.spanId ?? "").toLowerCase(),
          traceState: s.traceState ?? "",
          kind: typeof s.kind === "string" ? SPAN_KINDS.indexOf(s.kind) : (s.kind ?? 0),
          startNs: nanos(s.startTimeUnixNano),
          endNs: nanos(s.endTimeUnixNano),
          attributes: attributesOf(s.attributes),
          resource,
        });
  }
  return spans;
}

const SPAN_KINDS = [
  "SPAN_KIND_UNSPECIFIED",
  "SPAN_KIND_INTERNAL",
  "SPAN_KIND_SERVER",
  "SPAN_KIND_CLIENT",
  "SPAN_KIND_PRODUCER",
  "SPAN_KIND_CONSUMER",
];

/** A binary OTLP request (application/x-protobuf). Ids come out as lower-case hex. */
export function decodeProtobufRequest(body: Uint8Array): OtlpSpan[] {
  let message;
  try {
    message = RequestType.decode(body);
  } catch (err) {
    throw new OtlpDecodeError(`not an OTLP ExportTraceServiceRequest: ${(err as Error).message}`);
  }
  const obj = RequestType.toObject(message, { longs: String, bytes: String, enums: Number });
  // protobufjs gives bytes as base64; OTLP ids are read as hex everywhere else
  for (const rs of (obj as RequestObject).resourceSpans ?? [])
    for (const ss of rs.scopeSpans ?? [])
      for (const s of ss.spans ?? []) {
        s.traceId = Buffer.from(s.traceId ?? "", "base64").toString("hex");
        s.spanId = Buffer.from(s.spanId ?? "", "base64").toString("hex");
      }
  return spansOf(obj as RequestObject);
}

/** An OTLP/JSON request (application/json): lowerCamelCase fields, hex ids. */
export function decodeJsonRequest(text: string): OtlpSpan[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new OtlpDecodeError(`the body is not JSON: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw new OtlpDecodeError("an OTLP/JSON request is an object with resourceSpans");
  const req = parsed as RequestObject & { resource_spans?: unknown };
  if (req.resourceSpans !== undefined && !Array.isArray(req.resourceSpans))
    throw new OtlpDecodeError("resourceSpans must be an array");
  return spansOf(req);
}

/** The response body OTLP expects: an empty ExportTraceServiceResponse, or its partial success. */
export function encodeResponse(
  format: "protobuf" | "json",
  rejected: { spans: number; message: string } | null,
): Uint8Array | string {
  const body = rejected
    ? { partialSuccess: { rejectedSpans: rejected.spans, errorMessage: rejected.message } }
    : {};
  if (format === "json") return JSON.stringify(body);
  return ResponseType.encode(ResponseType.fromObject(body)).finish();
}
