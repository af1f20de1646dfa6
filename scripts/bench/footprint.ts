// What idemscope stores in the store's database, against the store's own tables
// (docs/performance.md, "Footprint"): each table of idemscope's schema with its indexes and TOAST,
// from the catalog.
import type { Pool } from "pg";
import type { TableNames } from "../../lib/contract/tables";

export type Footprint = {
  storeBytes: number;
  ownBytes: number;
  /** idemscope's tables, largest first */
  tables: { name: string; bytes: number; rows: number }[];
};

export async function measureFootprint(pool: Pool, t: TableNames): Promise<Footprint> {
  await pool.query(`ANALYZE`);
  const store = await pool.query<{ bytes: string }>(
    `SELECT (pg_total_relation_size($1::regclass) + pg_total_relation_size($2::regclass))::text AS bytes`,
    [t.keys, t.events],
  );
  const own = await pool.query<{ name: string; bytes: string; rows: string }>(
    `SELECT c.relname AS name, pg_total_relation_size(c.oid)::text AS bytes,
            greatest(c.reltuples, 0)::bigint::text AS rows
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'm')
      ORDER BY pg_total_relation_size(c.oid) DESC`,
    [t.own.replaceAll('"', "")],
  );
  const tables = own.rows.map((r) => ({
    name: r.name,
    bytes: Number(r.bytes),
    rows: Number(r.rows),
  }));
  return {
    storeBytes: Number(store.rows[0]!.bytes),
    ownBytes: tables.reduce((s, r) => s + r.bytes, 0),
    tables,
  };
}

export function footprintLines(f: Footprint): string[] {
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  return [
    `Footprint: idemscope's schema ${mb(f.ownBytes)} = ${((f.ownBytes / f.storeBytes) * 100).toFixed(1)} % of the store's tables (${mb(f.storeBytes)})`,
    "| idemscope table | rows | size |",
    "| --- | ---: | ---: |",
    ...f.tables
      .filter((r) => r.bytes >= 1 * 2 ** 20)
      .map((r) => `| ${r.name} | ${r.rows.toLocaleString("en-US")} | ${mb(r.bytes)} |`),
  ];
}
