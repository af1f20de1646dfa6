// The one prom-client registry (kept on globalThis: Next.js loads routes as separate bundles):
// default process metrics plus the store-derived families of ./store-metrics. Those are read at
// scrape time from idemscope's own tables, never counted in memory, so they agree across
// replicas and survive restarts; one database snapshot serves every family of a scrape.
import "server-only";
import { Counter, Gauge, Registry, collectDefaultMetrics, type Metric } from "prom-client";
import { config } from "../../core/config";
import { readContext } from "../../contract/context";
import { poolCheckouts } from "../../db/pools";
import { localCollector } from "../../fold/start";
import { sharedCacheSize, sharedQuery } from "../store/shared-cache";
import { spanCounts, statedSamplingRatio } from "../../ingest/spans/span-stats";
import { STORE_FAMILIES, type MetricFamily } from "./store-metrics";
import { readStoreSnapshot, type StoreSnapshot } from "./store-snapshot";

const LINT_FAILING_DEFAULTS = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
];

/** Scrapes within this window (an HA pair of Prometheus servers) share one snapshot. */
const SNAPSHOT_TTL_MS = 1000;

function readSnapshot(): Promise<StoreSnapshot> {
  const cfg = config();
  return sharedQuery("metrics:store-snapshot", Math.min(SNAPSHOT_TTL_MS, cfg.cacheTtlMs), () =>
    readStoreSnapshot(readContext()),
  );
}

/** A family whose samples come from the snapshot: prom-client's registerMetric contract. */
function snapshotMetric(family: MetricFamily) {
  return {
    name: family.name,
    help: family.help,
    type: family.type,
    aggregator: "sum" as const,
    async get() {
      const values = family.samples(await readSnapshot(), config());
      return { name: family.name, help: family.help, type: family.type, values, aggregator: "sum" };
    },
  };
}

function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // prom-client's totals of these gauges break the naming convention promtool checks (a gauge
  // named _total); the per-type series nodejs_active_{handles,requests,resources} stay.
  for (const name of LINT_FAILING_DEFAULTS) registry.removeSingleMetric(name);
  for (const family of STORE_FAMILIES) {
    registry.registerMetric(snapshotMetric(family) as unknown as Metric);
  }
  new Gauge({
    name: "idemscope_collector_leader",
    help: "1 when this process holds the collector's leadership (exactly one replica should).",
    registers: [registry],
    collect() {
      this.set(localCollector()?.isLeader() ? 1 : 0);
    },
  });
  new Counter({
    name: "idemscope_dashboard_pool_checkouts_total",
    help: "Database clients this process checked out of its dashboard pools (one per query, or per transaction).",
    labelNames: ["pool"],
    registers: [registry],
    collect() {
      // process-local like the process metrics: the value lives in lib/db/pools.ts
      this.reset();
      for (const [pool, n] of Object.entries(poolCheckouts())) this.inc({ pool }, n);
    },
  });
  new Counter({
    name: "idemscope_spans_total",
    help: "Per process: spans POST /v1/traces received, by outcome (recorded, duplicate, row_capture, no_key, throttled, rejected: invalid ids or times, endpoint_capped: recorded under 'METHOD (other)').",
    labelNames: ["outcome"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [outcome, n] of Object.entries(spanCounts())) this.inc({ outcome }, n);
    },
  });
  new Gauge({
    name: "idemscope_span_sampling_ratio",
    help: "The services' trace sampling ratio (source: configured by IDEMSCOPE_SPAN_SAMPLING_RATIO, or stated by the spans): span-derived counts are this share of the real ones; absent when unknown.",
    // labelled, so that no series exists until the ratio is known (an unlabelled gauge reads 0)
    labelNames: ["source"],
    registers: [registry],
    collect() {
      this.reset();
      const configured = config().spans.samplingRatio;
      const ratio = configured ?? statedSamplingRatio();
      if (ratio !== null) this.set({ source: configured ? "configured" : "stated" }, ratio);
    },
  });
  new Gauge({
    name: "idemscope_shared_cache_bytes",
    help: "Per process: bytes of query results the shared polling cache holds (bounded by IDEMSCOPE_CACHE_MAX_BYTES).",
    registers: [registry],
    collect() {
      this.set(sharedCacheSize().bytes);
    },
  });
  new Gauge({
    name: "idemscope_shared_cache_entries",
    help: "Per process: query results the shared polling cache holds.",
    registers: [registry],
    collect() {
      this.set(sharedCacheSize().entries);
    },
  });
  return registry;
}

const globalForMetrics = globalThis as unknown as { idemscopeRegistry?: Registry };

export function metricsRegistry(): Registry {
  globalForMetrics.idemscopeRegistry ??= createRegistry();
  return globalForMetrics.idemscopeRegistry;
}
