// Store size history from the catalog (reltuples, pg_total_relation_size), never count(*):
// cheap at any size. Partitioned tables are summed over their partitions.
import type { Pool } from "pg";
import type { TableNames } from "../tables";

export async function sampleStoreSize(
  pool: Pool,
  t: TableNames,
  names: { keys: string; events: string },
): Promise<void> {
  await pool.query(
    `INSERT INTO ${t.ownTable("store_size_samples")} (at, table_name, rows, bytes)
     SELECT date_trunc('second', now()), x.name,
            coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint, coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint
       -- to_regclass: a store without the events table samples the keys table alone
       FROM (VALUES (to_regclass($1), $2::text), (to_regclass($3), $4::text)) AS x(rel, name)
       -- the table itself (a plain table has no partition tree) and its partitions, if any
       CROSS JOIN LATERAL (SELECT x.rel AS relid UNION SELECT relid FROM pg_partition_tree(x.rel)) p
       JOIN pg_class c ON c.oid = p.relid
      WHERE x.rel IS NOT NULL
      GROUP BY x.name
     ON CONFLICT DO NOTHING`,
    [t.keys, names.keys, t.events, names.events],
  );
}
