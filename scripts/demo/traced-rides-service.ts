// The rides service (./rides-api.ts) as a team runs it: traced by the OpenTelemetry SDK
// (@opentelemetry/sdk-node with instrumentation-http, the Idempotency-Key request header and the
// Idempotent-Replayed response header captured as span attributes, the client as enduser.id),
// exporting OTLP/HTTP to idemscope's POST /v1/traces. A process of its own: the SDK patches http
// before anything serves. Prints "rides service: URL" when ready; SIGTERM flushes the spans.
// Environment: DATABASE_URL, RIDES_TABLE, RIDES_PORT (0: free), OTLP_TRACES_URL, OTLP_TOKEN,
// OTLP_PROTOCOL (json | protobuf), OTLP_COMPRESSION (gzip | none).
import { createRequire } from "node:module";
import { hostname } from "node:os";
import { trace } from "@opentelemetry/api";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtobufExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { CompressionAlgorithm } from "@opentelemetry/otlp-exporter-base";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace";

const env = process.env;
const exporterOptions = {
  url: env.OTLP_TRACES_URL,
  headers: { authorization: `Bearer ${env.OTLP_TOKEN ?? ""}` },
  compression:
    env.OTLP_COMPRESSION === "gzip" ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
};
const exporter =
  env.OTLP_PROTOCOL === "protobuf"
    ? new ProtobufExporter(exporterOptions)
    : new JsonExporter(exporterOptions);
const sdk = new NodeSDK({
  resource: resourceFromAttributes({
    "service.name": "rides-api",
    "service.instance.id": `${hostname()}:${process.pid}`,
  }),
  resourceDetectors: [], // the resource above says who this is
  spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 200 })],
  instrumentations: [
    new HttpInstrumentation({
      headersToSpanAttributes: {
        server: { requestHeaders: ["idempotency-key"], responseHeaders: ["idempotent-replayed"] },
      },
    }),
  ],
});
sdk.start();
// the instrumentation patches http when it is first required
createRequire(import.meta.url)("node:http");

const { createPool } = await import("../../lib/db/pool");
const { startRidesApi } = await import("./rides-api");
const pool = createPool(env.DATABASE_URL!, { max: 20, applicationName: "rides-api" });
const api = await startRidesApi(pool, env.RIDES_TABLE!, {
  port: Number(env.RIDES_PORT ?? 0),
  onClient: (userId) => trace.getActiveSpan()?.setAttribute("enduser.id", String(userId)),
});
console.log(`rides service: ${api.url}`);

process.on("SIGTERM", () => {
  void (async () => {
    await api.close();
    await sdk.shutdown(); // exports what is still batched
    await pool.end();
    process.exit(0);
  })();
});
