// The rides service (./rides-api.ts) as a team runs it: traced by the OpenTelemetry SDK
// (@opentelemetry/sdk-node with instrumentation-http, the Idempotency-Key request header and the
// Idempotent-Replayed response header captured as span attributes, the client as enduser.id),
// exporting OTLP/HTTP to idemscope's POST /v1/traces. A process of its own: the SDK patches http
// before anything serves. Prints "rides service: URL" when ready; SIGTERM flushes the spans.
// Environment: DATABASE_URL, RIDES_TABLE, RIDES_PORT (0: free), OTLP_TRACES_URL, OTLP_TOKEN,
// OTLP_PROTOCOL (json | protobuf), OTLP_COMPRESSION (gzip | none); RIDES_STORE=memory keeps the
// keys in the service's memory instead (./writers/memory-store.ts: a store idemscope cannot read),
// with RIDES_LOCK_SECONDS and RIDES_TTL_SECONDS.
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

const { startRidesApi, ridesOnTable } = await import("./rides-api");
// the client, and the route as a framework names it (http.route): what idemscope groups by
const onClient = (userId: number) =>
  trace.getActiveSpan()?.setAttributes({ "enduser.id": String(userId), "http.route": "/rides" });
const port = Number(env.RIDES_PORT ?? 0);
let closeStore = async () => {};
let api;
if (env.RIDES_STORE === "memory") {
  // a store idemscope cannot read: only the spans tell it anything
  const { memoryRideStore } = await import("./writers/memory-store");
  const store = memoryRideStore({
    lockSeconds: Number(env.RIDES_LOCK_SECONDS ?? 60),
    ttlSeconds: Number(env.RIDES_TTL_SECONDS ?? 300),
  });
  api = await startRidesApi(store.postRide, { port, onClient, clock: store });
} else {
  const { createPool } = await import("../../lib/db/pool");
  const pool = createPool(env.DATABASE_URL!, { max: 20, applicationName: "rides-api" });
  closeStore = () => pool.end();
  api = await startRidesApi(ridesOnTable(pool, env.RIDES_TABLE!), { port, onClient });
}
console.log(`rides service: ${api.url}`);

process.on("SIGTERM", () => {
  void (async () => {
    await api.close();
    await sdk.shutdown(); // exports what is still batched
    await closeStore();
    process.exit(0);
  })();
});
