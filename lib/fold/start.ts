// Starts the collector from the process configuration, once per process.
import { config } from "../core/config";
import { log } from "../core/log";
import { startCollector, type Collector } from "./collector";

const globalForCollector = globalThis as unknown as { idemscopeCollector?: Collector };

export function startCollectorFromEnv(): Collector | undefined {
  if (globalForCollector.idemscopeCollector) return globalForCollector.idemscopeCollector;
  let cfg;
  try {
    cfg = config();
  } catch (err) {
    log.error({ err: (err as Error).message }, "collector not started: invalid configuration");
    return undefined;
  }
  if (!cfg.collector || !cfg.databaseUrl) {
    log.info(
      cfg.collector
        ? "collector not started: DATABASE_URL is not set"
        : "collector disabled (IDEMSCOPE_COLLECTOR=off)",
    );
    return undefined;
  }
  globalForCollector.idemscopeCollector = startCollector({ databaseUrl: cfg.databaseUrl, cfg });
  return globalForCollector.idemscopeCollector;
}

/** The collector this process runs, if any (its leadership shows on /api/metrics). */
export function localCollector(): Collector | undefined {
  return globalForCollector.idemscopeCollector;
}
