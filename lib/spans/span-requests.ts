// From a server span to the request it records (docs/store-contract.md, "Capture modes"): the
// intent from the idempotency key attribute, the endpoint from the method and the route (or path),
// the client from a configured attribute; a replay marker makes it a replay, the conflict and
// mismatch statuses a 409 or a 422, anything else an execution (which the row capture sees).
// A span without a key is dropped at the first lookup.
import type { AttributeValue, Attributes, OtlpSpan } from "./otlp";
import type { SpanConfig } from "./span-config";

export type SpanRequestKind = "replayed" | "conflict" | "mismatch" | "executed";

export type SpanRequest = {
  at: string;
  traceId: string;
  spanId: string;
  scope: string;
  endpoint: string;
  key: string;
  kind: SpanRequestKind;
  responseCode: number | null;
  latencyMs: number;
  instance: string | null;
};

/** OTLP SpanKind SERVER: the span a service records for a request it answers. */
const SERVER = 2;
const MAX_KEY = 255;
/** Whoever exported these spans: what every request is scoped to when no client attribute is set. */
export const NO_CLIENT = "(none)";

const text = (v: AttributeValue | undefined): string | null => {
  const first = Array.isArray(v) ? v[0] : v;
  if (first === null || first === undefined || typeof first === "object") return null;
  const s = String(first).trim();
  return s === "" ? null : s;
};

function first(attrs: Attributes, names: readonly string[]): string | null {
  for (const n of names) {
    const v = text(attrs.get(n));
    if (v !== null) return v;
  }
  return null;
}

const truthy = (v: string | null) => v !== null && /^(true|1|yes)$/i.test(v);

/** The request a span records, or null when it carries no idempotency key (or is no server span). */
export function requestOfSpan(span: OtlpSpan, cfg: SpanConfig): SpanRequest | null {
  const key = first(span.attributes, cfg.keyAttributes);
  if (key === null || key.length > MAX_KEY || span.kind !== SERVER) return null;
  const a = span.attributes;
  const method = first(a, ["http.request.method", "http.method"]) ?? "?";
  const route =
    first(a, ["http.route"]) ?? first(a, ["url.path", "http.target"])?.split("?")[0] ?? "?";
  const status = Number(first(a, ["http.response.status_code", "http.status_code"]));
  const code = Number.isInteger(status) && status > 0 ? status : null;
  const kind: SpanRequestKind = truthy(first(a, cfg.replayAttributes))
    ? "replayed"
    : code === cfg.conflictStatus
      ? "conflict"
      : code === cfg.mismatchStatus
        ? "mismatch"
        : "executed";
  const startMs = Number(span.startNs / 1_000_000n);
  return {
    at: new Date(startMs).toISOString(),
    traceId: span.traceId,
    spanId: span.spanId,
    scope: first(a, cfg.scopeAttributes) ?? NO_CLIENT,
    endpoint: `${method.toUpperCase()} ${route}`,
    key,
    kind,
    responseCode: code,
    latencyMs: Number(span.endNs - span.startNs) / 1e6,
    instance: first(span.resource, ["service.instance.id", "host.name", "service.name"]),
  };
}

/**
 * The sampling probability a span states in its W3C tracestate (OpenTelemetry's `ot=th:` rejection
 * threshold, 56 bits), or null when it states none.
 */
export function samplingRatioOf(traceState: string): number | null {
  const ot = /(?:^|,)\s*ot=([^,]*)/.exec(traceState)?.[1];
  const th = ot ? /(?:^|;)th:([0-9a-f]{1,14})(?:;|$)/.exec(ot)?.[1] : undefined;
  if (th === undefined) return null;
  const threshold = parseInt(th.padEnd(14, "0"), 16) / 2 ** 56;
  return 1 - threshold;
}
