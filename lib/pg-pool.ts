// The pool factory every part shares: dashboard, collector, scripts and tests.
import { Pool, type PoolClient, type PoolConfig } from "pg";
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
  // A checked-out client whose server goes away emits "error" on itself; unheard, it would
  // crash the process. The query in flight still rejects, and the pool drops the client.
  pool.on("connect", (client) => {
    client.on("error", (err) => log.warn({ err: err.message }, "PostgreSQL client error"));
  });
  return pool;
}

/** Runs `fn` in one transaction on one client: committed if it returns, rolled back if it throws. */
export async function inTransaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
  begin = "BEGIN",
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
