// From a server span to the request it records (docs/store-contract.md, "Capture modes"): the
// intent from the idempotency key attribute, the endpoint from the method and the route (or path),
// the client from a configured attribute; a replay marker makes it a replay, the conflict and
// mismatch statuses a 409 or a 422, anything else an execution (which the row capture sees, or,
// spans alone, becomes a claim and its outcome).
// A span without a key is dropped at the first lookup.
import type { AttributeValue, Attributes, OtlpSpan } from "./otlp";
import type { SpanConfig } from "../../core/span-config";

export type SpanRequestKind = "replayed" | "conflict" | "mismatch" | "executed";

export type SpanRequest = {
  at: string;
  traceId: string;
  spanId: string;
  scope: string;
  endpoint: string;
  /** the endpoint names the framework's route template (http.route), not a raw path */
  routed: boolean;
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

/** What a span's times may be, around the receiver's clock (docs/capture.md, "Span input"). */
export type SpanTimeBounds = { nowMs: number; horizonMs: number };
/** A service's clock may run this far ahead of idemscope's. */
const FUTURE_SKEW_MS = 5 * 60_000;
/** A request that took longer than this is not one an idempotency key answers. */
const MAX_DURATION_MS = 86_400_000;
const MAX_TEXT = 200;
const MAX_ROUTE = 300;
const HEX_ID = { trace: /^(?!0{32})[0-9a-f]{32}$/, span: /^(?!0{16})[0-9a-f]{16}$/ };

/** Why a span cannot be recorded (its ids, times or attributes), or null when it can. */
export function spanProblem(span: OtlpSpan, bounds: SpanTimeBounds): string | null {
  if (!HEX_ID.trace.test(span.traceId)) return "traceId must be 16 non-zero bytes";
  if (!HEX_ID.span.test(span.spanId)) return "spanId must be 8 non-zero bytes";
  if (span.startNs < 0n || span.endNs < 0n) return "a span time is not a number of nanoseconds";
  const startMs = Number(span.startNs / 1_000_000n);
  if (startMs < bounds.nowMs - bounds.horizonMs)
    return "startTimeUnixNano is older than idemscope's intent horizon";
  if (startMs > bounds.nowMs + FUTURE_SKEW_MS)
    return "startTimeUnixNano is more than 5 minutes in the future";
  if (span.endNs < span.startNs) return "endTimeUnixNano is before startTimeUnixNano";
  if (Number(span.endNs - span.startNs) / 1e6 > MAX_DURATION_MS)
    return "the span lasts more than a day";
  return null;
}

/** The request a span records, or null when it carries no idempotency key (or is no server span). */
export function requestOfSpan(span: OtlpSpan, cfg: SpanConfig): SpanRequest | null {
  const key = first(span.attributes, cfg.keyAttributes);
  if (key === null || key.length > MAX_KEY || span.kind !== SERVER) return null;
  const a = span.attributes;
  const method = (first(a, ["http.request.method", "http.method"]) ?? "?").slice(0, 16);
  // the route template when the framework names one; a raw path is only a fallback, and the
  // receiver accepts it only for an endpoint the row capture knows (./span-endpoints.ts)
  const routed = first(a, ["http.route"]);
  const route = (routed ?? first(a, ["url.path", "http.target"])?.split("?")[0] ?? "?").slice(
    0,
    MAX_ROUTE,
  );
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
    scope: (first(a, cfg.scopeAttributes) ?? NO_CLIENT).slice(0, MAX_TEXT),
    endpoint: `${method.toUpperCase()} ${route}`,
    routed: routed !== null,
    key,
    kind,
    responseCode: code,
    latencyMs: Number(span.endNs - span.startNs) / 1e6,
    instance:
      first(span.resource, ["service.instance.id", "host.name", "service.name"])?.slice(
        0,
        MAX_TEXT,
      ) ?? null,
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
