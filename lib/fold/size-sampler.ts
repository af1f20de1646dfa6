// Store size from the catalog (reltuples, pg_total_relation_size), never count(*): cheap at any
// size. Partitioned tables are summed over their partitions. The collector samples it every
// minute (the Store page's history); /api/metrics reads it live.
import type { StoreContext } from "../contract/context";
import type { Pool } from "pg";
import type { TableNames } from "../contract/tables";

export type StoreTableNames = { keys: string; events: string };

/** SELECT name, rows, bytes per store table, parameters from storeSizeParams. */
const STORE_SIZE_SELECT = `
  SELECT x.name, coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint AS rows,
         coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint AS bytes
    -- to_regclass: a store without the events table has the keys table alone
    FROM (VALUES (to_regclass($1), $2::text), (to_regclass($3), $4::text)) AS x(rel, name)
    -- the table itself (a plain table has no partition tree) and its partitions, if any
    CROSS JOIN LATERAL (SELECT x.rel AS relid UNION SELECT relid FROM pg_partition_tree(x.rel)) p
    JOIN pg_class c ON c.oid = p.relid
   WHERE x.rel IS NOT NULL
   GROUP BY x.name`;

/**
 * The names the size samples carry: the contract's tables, or for a connected preset its own
 * table (measured itself, not the mapping view) and the captured events.
 */
export function storeSizeNames({ tables: t }: StoreContext): StoreTableNames {
  return { keys: t.source.table.name, events: t.eventsName };
}

const storeSizeParams = (t: TableNames, names: StoreTableNames) => [
  t.source.base,
  names.keys,
  t.events,
  names.events,
];

export async function sampleStoreSize(
  ctx: StoreContext<Pool>,
  names: StoreTableNames,
): Promise<void> {
  const { db: pool, tables: t } = ctx;
  await pool.query(
    `INSERT INTO ${t.ownTable("store_size_samples")} (at, table_name, rows, bytes)
     SELECT date_trunc('second', now()), name, rows, bytes FROM (${STORE_SIZE_SELECT}) s
     ON CONFLICT DO NOTHING`,
    storeSizeParams(t, names),
  );
}

export async function readStoreSize(
  ctx: StoreContext,
  names: StoreTableNames,
): Promise<{ name: string; rows: number; bytes: number }[]> {
  const { db, tables: t } = ctx;
  const r = await db.query<{ name: string; rows: string; bytes: string }>(
    `${STORE_SIZE_SELECT} ORDER BY x.name`,
    storeSizeParams(t, names),
  );
  return r.rows.map((x) => ({ name: x.name, rows: Number(x.rows), bytes: Number(x.bytes) }));
}
