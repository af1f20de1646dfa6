// The collector's per-batch work tables (batch, batch_cells, touched, success_deltas, hot_now,
// storm) are temp tables created once per connection and emptied by every commit (ON COMMIT
// DELETE ROWS), not created and dropped by every batch: each CREATE TEMP TABLE wrote its catalog
// rows (pg_class, pg_attribute, pg_type, pg_depend) to the WAL and its DROP wrote them again, a
// quarter of the collector's WAL at 10 k events/s (docs/performance.md), and left dead catalog
// rows for autovacuum. A temp table's own rows are never in the WAL, and emptying it at commit
// writes nothing either.
import type { PoolClient } from "pg";

/**
 * Fills the work table `name` with the rows of `query` (its columns are the query's): creates it
 * first if this connection has none yet. Returns the rows inserted.
 */
export async function fillWorkTable(
  c: PoolClient,
  name: string,
  query: string,
  params: unknown[] = [],
): Promise<number> {
  // a no-op (and a notice) when the table exists: cheaper than asking the catalog first
  await c.query(
    `CREATE TEMP TABLE IF NOT EXISTS ${name} ON COMMIT DELETE ROWS AS ${query} WITH NO DATA`,
    params,
  );
  const filled = await c.query(`INSERT INTO ${name} ${query}`, params);
  return filled.rowCount ?? 0;
}
