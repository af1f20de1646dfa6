// The one read pool of the dashboard (server-only).
import "server-only";
import type { Pool } from "pg";
import { config, ConfigError } from "./config";
import { createPool } from "./pg-pool";

const globalForDb = globalThis as unknown as { idemscopePool?: Pool };

/** The dashboard's read pool, one per process (Next.js loads routes as separate bundles). */
export function getPool(): Pool {
  if (globalForDb.idemscopePool) return globalForDb.idemscopePool;
  const cfg = config();
  if (!cfg.databaseUrl) {
    throw new ConfigError(
      "DATABASE_URL is not set: start with `npm run demo` or point it at a store",
    );
  }
  globalForDb.idemscopePool = createPool(cfg.databaseUrl, {
    max: cfg.poolMax,
    statementTimeoutMs: cfg.statementTimeoutMs,
    applicationName: "idemscope-dashboard",
  });
  return globalForDb.idemscopePool;
}
