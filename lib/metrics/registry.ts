// The one prom-client registry (kept on globalThis: Next.js loads routes as separate bundles).
// Store-derived series are read at scrape time from idemscope's own tables, never from
// in-memory counters, so they agree across replicas and survive restarts.
import "server-only";
import { Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { config } from "../config";
import { getPool } from "../db";
import { getCollectorStatus } from "../store/collector-status";
import { tableNames } from "../tables";

function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let status: Promise<Awaited<ReturnType<typeof getCollectorStatus>>> | undefined;
  // One database read per scrape, shared by the collector gauges.
  const readStatus = () =>
    (status ??= getCollectorStatus(getPool(), tableNames(config())).finally(() =>
      setTimeout(() => (status = undefined), 0),
    ));
  new Gauge({
    name: "idemscope_collector_lag_seconds",
    help: "Seconds since the rollup collector last caught up with the events table.",
    registers: [registry],
    async collect() {
      const s = await readStatus();
      this.set(s.lagSeconds ?? Number.NaN);
    },
  });
  new Gauge({
    name: "idemscope_collector_events_collected",
    help: "Events folded into the rollups since the collector's state was created.",
    registers: [registry],
    async collect() {
      this.set((await readStatus()).eventsTotal);
    },
  });
  new Gauge({
    name: "idemscope_collector_errors",
    help: "Failed collector batches since the collector's state was created.",
    registers: [registry],
    async collect() {
      this.set((await readStatus()).errorsTotal);
    },
  });
  return registry;
}

const globalForMetrics = globalThis as unknown as { idemscopeRegistry?: Registry };

export function metricsRegistry(): Registry {
  globalForMetrics.idemscopeRegistry ??= createRegistry();
  return globalForMetrics.idemscopeRegistry;
}
