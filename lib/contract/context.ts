// The data layer's context: the connection, the configured table names and the configuration
// travel together, so a store, action or rollup function takes one argument for all three. Read
// and write contexts are made separately: a change can only be handed a WriteContext, whose
// connection is the primary's (never the read replica). A transaction passes
// `{ ...ctx, db: client }`.
import "server-only";
import type { Pool, PoolClient } from "pg";
import { config, type Config } from "../core/config";
import { tableNames, type TableNames } from "./tables";
import { getIngestPool, getPool, getWritePool } from "../db/pools";

export type Queryable = Pool | PoolClient;

export type StoreContext<D extends Queryable = Queryable> = {
  db: D;
  tables: TableNames;
  config: Config;
};

declare const primary: unique symbol;
/** A context on the primary: the only kind the functions of lib/act accept. */
export type WriteContext = StoreContext<Pool> & { readonly [primary]: true };

/** Reads of this process: the read pool (the replica when one is configured). */
export function readContext(): StoreContext<Pool> {
  const cfg = config();
  return { db: getPool(), tables: tableNames(cfg), config: cfg };
}

/** Changes of this process: the primary's pool for operator actions. */
export function writeContext(): WriteContext {
  const cfg = config();
  return { db: getWritePool(), tables: tableNames(cfg), config: cfg } as WriteContext;
}

/** Span ingestion's writes: the primary, through a pool of their own. */
export function ingestContext(): StoreContext<Pool> {
  const cfg = config();
  return { db: getIngestPool(), tables: tableNames(cfg), config: cfg };
}

/** A context over a pool the caller owns (scripts, the collector, tests). */
export function contextOf<D extends Queryable>(
  db: D,
  tables: TableNames,
  cfg: Config,
): StoreContext<D> {
  return { db, tables, config: cfg };
}

/** The same, for a pool on the primary that may write (the caller vouches for it). */
export function writeContextOf(db: Pool, tables: TableNames, cfg: Config): WriteContext {
  return { db, tables, config: cfg } as WriteContext;
}
