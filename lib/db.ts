// The one read pool of the dashboard, and the pool factory every script shares.
import "server-only";
import { Pool, type PoolConfig } from "pg";
import { config, ConfigError } from "./config";
import { log } from "./log";

export type PoolOptions = {
  max?: number;
  statementTimeoutMs?: number;
  applicationName?: string;
};

/**
 * A pool with the limits node-postgres leaves open by default: bounded size, a connection
 * timeout (it would otherwise wait forever), a per-statement timeout, an application_name that
 * shows in pg_stat_activity, and an error listener so that an idle client's error is logged
 * instead of crashing the process.
 */
export function createPool(connectionString: string, options: PoolOptions = {}): Pool {
  const poolConfig: PoolConfig = {
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? "idemscope",
  };
  if (options.statementTimeoutMs) poolConfig.statement_timeout = options.statementTimeoutMs;
  const pool = new Pool(poolConfig);
  pool.on("error", (err) => log.warn({ err: err.message }, "idle PostgreSQL client error"));
  return pool;
}

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
