// The pool factory every part shares: dashboard, collector, scripts and tests.
import { Pool, type PoolClient, type PoolConfig } from "pg";
import { log } from "../core/log";

export type PoolOptions = {
  max?: number;
  /** how long a caller waits for a free connection before the pool says it is busy */
  connectionTimeoutMs?: number;
  statementTimeoutMs?: number;
  applicationName?: string;
  /**
   * No parallel workers for this pool's queries: the dashboard's reads are small index reads, and
   * a parallel plan chosen on stale statistics of a small, often rewritten table (the clients
   * snapshot) spent 45 ms starting workers for a 3 ms sort, on the store's primary.
   */
  serial?: boolean;
  /** server settings for every connection of the pool (`-c name=value` at connect) */
  settings?: Record<string, string>;
};

/**
 * A pool with the limits node-postgres leaves open by default: bounded size, a connection
 * timeout (it would otherwise wait forever), a per-statement timeout, an application_name that
 * shows in pg_stat_activity, and an error listener so that an idle client's error is logged
 * instead of crashing the process.
 */
export function createPool(connectionString: string, options: PoolOptions = {}): Pool {
  const poolConfig: PoolConfig = {
    // the URL's own parameters win over the pool's in node-postgres: `serial` goes into it
    connectionString: withSettings(connectionString, {
      ...(options.serial ? { max_parallel_workers_per_gather: "0" } : {}),
      ...options.settings,
    }),
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
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
  tellBusyFromUnreachable(pool, poolConfig.max as number);
  return pool;
}

// adds the settings to the URL's server options, keeping any it carries (…?options=-c%20…); a
// connection string that is not a URL is left as it is
function withSettings(connectionString: string, settings: Record<string, string>): string {
  const given = Object.entries(settings);
  if (given.length === 0) return connectionString;
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return connectionString;
  }
  const own = url.searchParams.get("options");
  url.searchParams.set(
    "options",
    [own, ...given.map(([name, value]) => `-c ${name}=${value}`)].filter(Boolean).join(" "),
  );
  return url.toString();
}

/**
 * Every connection of a pool was checked out for longer than its connection timeout: the database
 * is up but idemscope's own queries fill the pool (slow reads during an incident). Not the same
 * as a database that does not answer, and the operator should be told which.
 */
export class PoolBusyError extends Error {
  constructor(
    readonly poolSize: number,
    readonly applicationName: string,
  ) {
    super(`all ${poolSize} connections of the ${applicationName} pool are in use`);
  }
}

type ConnectCallback = (err: Error | undefined, client?: PoolClient, done?: () => void) => void;

// node-postgres reports both a full pool and a database that never answers as "timeout exceeded
// when trying to connect". Counting checked-out clients tells them apart: a full pool has all of
// them out; a dead database has none (its clients are still connecting).
function tellBusyFromUnreachable(pool: Pool, max: number): void {
  let checkedOut = 0;
  pool.on("acquire", () => (checkedOut += 1));
  pool.on("release", () => (checkedOut -= 1));
  pool.on("remove", () => (checkedOut = Math.min(checkedOut, pool.totalCount)));
  const name = (pool.options as { application_name?: string }).application_name ?? "idemscope";
  const classify = (err: Error): Error =>
    /timeout exceeded when trying to connect/i.test(err.message) && checkedOut >= max
      ? new PoolBusyError(max, name)
      : err;
  const connect = pool.connect.bind(pool) as (cb?: ConnectCallback) => Promise<PoolClient> | void;
  // pool.query calls connect with a callback, callers of pool.connect() use the promise
  (pool as unknown as { connect: (cb?: ConnectCallback) => unknown }).connect = (
    cb?: ConnectCallback,
  ) => {
    if (cb) return connect((err, client, done) => cb(err ? classify(err) : err, client, done));
    return (connect() as Promise<PoolClient>).catch((err: Error) => {
      throw classify(err);
    });
  };
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
