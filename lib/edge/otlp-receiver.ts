// POST /v1/traces: an OTLP/HTTP trace receiver (docs/store-contract.md, "Capture modes"), as the
// OpenTelemetry Collector's otlphttp exporter and the SDKs' exporters send: protobuf or JSON,
// optionally gzip. Guarded by a bearer token; bounded in size (before and after decompression)
// and in concurrent work, answering 429 with Retry-After when full (exporters retry), so a burst
// never takes unbounded memory or database connections. Spans without an idempotency key are
// dropped as soon as their attributes are read.
import "server-only";
import { gunzip } from "node:zlib";
import { promisify } from "node:util";
import { secretsEqual } from "../auth/identity";
import { config } from "../core/config";
import { ingestContext } from "../contract/context";
import { INGEST_POOL_MAX } from "../db/pools";
import { errorResponse } from "./http/errors";
import { log } from "../core/log";
import {
  decodeJsonRequest,
  decodeProtobufRequest,
  encodeResponse,
  OtlpDecodeError,
} from "../ingest/spans/otlp";
import { assertSpansConnected, recordSpanRequests } from "../ingest/spans/span-ingest";
import { countSpans, noteSamplingRatio } from "../ingest/spans/span-stats";
import { boundSpanEndpoints } from "../ingest/spans/span-endpoints";
import {
  requestOfSpan,
  samplingRatioOf,
  spanProblem,
  type SpanRequest,
} from "../ingest/spans/span-requests";

const gunzipAsync = promisify(gunzip);

/** Exports handled at once per process; one more waits for none of them, it is told to retry. */
const MAX_IN_FLIGHT = INGEST_POOL_MAX * 2;
const RETRY_AFTER_SECONDS = 2;
const slot = globalThis as unknown as { idemscopeSpanExports?: { inFlight: number } };
const exports_ = (slot.idemscopeSpanExports ??= { inFlight: 0 });

type Format = "protobuf" | "json";

function answer(status: number, format: Format, message: string, headers: HeadersInit = {}) {
  // OTLP: a failure's body is a google.rpc.Status; its message is what an operator reads
  const body = format === "json" ? JSON.stringify({ code: status, message }) : message;
  return new Response(body, {
    status,
    headers: { "content-type": format === "json" ? "application/json" : "text/plain", ...headers },
  });
}

/** The body, up to `limit` bytes; null when it is longer (read no further). */
async function readCapped(req: Request, limit: number): Promise<Buffer | null> {
  if (!req.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

export async function receiveTraces(req: Request): Promise<Response> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const format: Format = type === "application/json" ? "json" : "protobuf";
  const cfg = config();
  const spanCfg = cfg.spans;
  if (!spanCfg.token)
    return answer(
      404,
      format,
      "span capture is off here: set IDEMSCOPE_OTLP_TOKEN to receive traces",
    );
  const presented = /^Bearer (.+)$/i.exec(req.headers.get("authorization") ?? "")?.[1] ?? "";
  if (!secretsEqual(presented, spanCfg.token))
    return answer(401, format, "POST /v1/traces needs the bearer token of IDEMSCOPE_OTLP_TOKEN", {
      "www-authenticate": 'Bearer realm="idemscope traces"',
    });
  if (type !== "application/x-protobuf" && type !== "application/json")
    return answer(
      415,
      format,
      `content-type must be application/x-protobuf or application/json, not "${type}"`,
    );
  const encoding = (req.headers.get("content-encoding") ?? "identity").toLowerCase();
  if (encoding !== "identity" && encoding !== "gzip")
    return answer(415, format, `content-encoding must be gzip or none, not "${encoding}"`);
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > spanCfg.maxBodyBytes)
    return answer(
      413,
      format,
      `the body exceeds IDEMSCOPE_SPAN_MAX_BODY_BYTES (${spanCfg.maxBodyBytes} bytes): export smaller batches`,
    );
  if (exports_.inFlight >= MAX_IN_FLIGHT) {
    countSpans("throttled", 1);
    return answer(429, format, "span capture is busy; retry", {
      "retry-after": String(RETRY_AFTER_SECONDS),
    });
  }
  exports_.inFlight += 1;
  try {
    const raw = await readCapped(req, spanCfg.maxBodyBytes);
    if (raw === null)
      return answer(
        413,
        format,
        `the body exceeds IDEMSCOPE_SPAN_MAX_BODY_BYTES (${spanCfg.maxBodyBytes} bytes): export smaller batches`,
      );
    let body: Buffer;
    try {
      body =
        encoding === "gzip"
          ? // decoding is synchronous: its cost follows the decompressed size, so that is bounded too
            await gunzipAsync(raw, { maxOutputLength: spanCfg.maxBodyBytes })
          : raw;
    } catch (err) {
      return (err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE"
        ? answer(
            413,
            format,
            `the body decompresses to more than IDEMSCOPE_SPAN_MAX_BODY_BYTES (${spanCfg.maxBodyBytes} bytes): export smaller batches`,
          )
        : answer(400, format, `the body is not valid gzip: ${(err as Error).message}`);
    }
    const spans =
      format === "json" ? decodeJsonRequest(body.toString("utf8")) : decodeProtobufRequest(body);
    const ctx = ingestContext();
    assertSpansConnected(ctx);
    const keyed: SpanRequest[] = [];
    const bounds = { nowMs: Date.now(), horizonMs: cfg.retentionDays.intents * 86_400_000 };
    const problems: string[] = [];
    for (const span of spans) {
      const r = requestOfSpan(span, spanCfg);
      if (!r) continue;
      // a bad span is refused alone (OTLP partial success), never the batch
      const problem = spanProblem(span, bounds);
      if (problem === null) keyed.push(r);
      else problems.push(`span ${span.spanId || "(no id)"}: ${problem}`);
    }
    const stated = spans.length > 0 ? samplingRatioOf(spans[0]!.traceState) : null;
    if (stated !== null) noteSamplingRatio(stated);
    countSpans("rejected", problems.length);
    countSpans("no_key", spans.length - keyed.length - problems.length);
    const rejected = problems.length > 0 ? { spans: problems.length, message: problems[0]! } : null;
    if (keyed.length > 0) {
      const { requests, capped } = await boundSpanEndpoints(ctx, keyed);
      countSpans("endpoint_capped", capped);
      const result = await recordSpanRequests(ctx, requests);
      countSpans("recorded", result.recorded);
      countSpans("duplicate", result.duplicates);
      countSpans("row_capture", result.coveredByRows);
    }
    const ok = encodeResponse(format, rejected);
    return new Response(typeof ok === "string" ? ok : Buffer.from(ok), {
      status: 200,
      headers: {
        "content-type": format === "json" ? "application/json" : "application/x-protobuf",
      },
    });
  } catch (err) {
    if (err instanceof OtlpDecodeError) return answer(400, format, err.message);
    const { status, body } = errorResponse(err);
    // the database unreachable or busy: the exporter keeps the batch and retries
    if (status === 503) {
      log.warn({ err: body.message }, "span capture: batch refused, the exporter retries");
      return answer(503, format, body.message, { "retry-after": String(RETRY_AFTER_SECONDS) });
    }
    return answer(status, format, body.message);
  } finally {
    exports_.inFlight -= 1;
  }
}
