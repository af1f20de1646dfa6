// The dashboard's pools (server-only): reads go to the read replica when
// IDEMSCOPE_READ_DATABASE_URL is set, every write (release, fail, reveal's audit row) to the
// primary through a small pool of its own, so that slow reads during an incident can never
// take the connection an operator's release needs. The collector has its own pool on the
// primary (lib/fold/collector.ts).
import "server-only";
import type { Pool } from "pg";
import { config, ConfigError } from "../core/config";
import { createPool } from "./pool";

const globalForDb = globalThis as unknown as {
  idemscopePool?: Pool;
  idemscopeWritePool?: Pool;
  idemscopeIngestPool?: Pool;
  idemscopeCheckouts?: Record<PoolName, number>;
};

type PoolName = "primary" | "replica" | "write" | "ingest";
const checkouts = (globalForDb.idemscopeCheckouts ??= {
  primary: 0,
  replica: 0,
  write: 0,
  ingest: 0,
});

/**
 * Clients checked out of this process's pools (every pool.query is one): the load test reads it
 * to show that database work per interval does not grow with the number of viewers.
 */
export function poolCheckouts(): Readonly<Record<PoolName, number>> {
  return checkouts;
}

function primaryUrl(): string {
  const url = config().databaseUrl;
  if (!url) {
    throw new ConfigError(
      "DATABASE_URL is not set: start with `npm run demo` or point it at a store",
    );
  }
  return url;
}

function pool(url: string, applicationName: string, name: PoolName): Pool {
  const cfg = config();
  const p = createPool(url, {
    max: name === "write" ? cfg.writePoolMax : name === "ingest" ? INGEST_POOL_MAX : cfg.poolMax,
    statementTimeoutMs: cfg.statementTimeoutMs,
    applicationName,
    serial: true,
  });
  p.on("acquire", () => (checkouts[name] += 1));
  return p;
}

/** The pool for the primary's changes (release, fail, reveal): every change and its audit row. */
export function getWritePool(): Pool {
  globalForDb.idemscopeWritePool ??= pool(primaryUrl(), "idemscope-actions", "write");
  return globalForDb.idemscopeWritePool;
}

/** Connections of span ingestion: a bound on the database work spans may take. */
export const INGEST_POOL_MAX = 2;

/**
 * The pool that records span-derived requests (POST /v1/traces), on the primary, apart from the
 * operators' so that a burst of spans never takes the connection a release needs.
 */
export function getIngestPool(): Pool {
  globalForDb.idemscopeIngestPool ??= pool(primaryUrl(), "idemscope-spans", "ingest");
  return globalForDb.idemscopeIngestPool;
}

/** The read pool, one per process (Next.js loads routes as separate bundles). */
export function getPool(): Pool {
  if (globalForDb.idemscopePool) return globalForDb.idemscopePool;
  const replica = config().readDatabaseUrl;
  globalForDb.idemscopePool = replica
    ? pool(replica, "idemscope-dashboard-read", "replica")
    : pool(primaryUrl(), "idemscope-dashboard", "primary");
  return globalForDb.idemscopePool;
}

/** Whether reads go to a separate replica (health reports both). */
export function hasReadReplica(): boolean {
  return config().readDatabaseUrl !== undefined;
}
