// The demo's store size history: a backfilled store has weeks of events but only one size
// sample, so the Store page would have no growth to show. This writes one sample per hour of
// the history, scaled from today's real size by the rows alive at that hour (keys created minus
// keys purged; every event so far), from the hourly rollups. Demo only: a real store gets its
// history from the collector's samples.
import type { Pool } from "pg";
import type { TableNames } from "../../lib/contract/tables";

export async function backfillSizeHistory(
  pool: Pool,
  t: TableNames,
  names: { keys: string; events: string },
): Promise<number> {
  const r = await pool.query(
    `WITH h AS (
       SELECT bucket, coalesce(sum(events) FILTER (WHERE kind = 'claimed'), 0) AS created,
              coalesce(sum(events) FILTER (WHERE kind = 'expired'), 0) AS expired, sum(events) AS events
         FROM ${t.ownTable("rollup_events")} WHERE resolution = 'hour' GROUP BY bucket
     ), cum AS (
       SELECT bucket + interval '1 hour' AS at,
              sum(created - expired) OVER w AS live, sum(events) OVER w AS total
         FROM h WINDOW w AS (ORDER BY bucket)
     ), last AS (SELECT live, total FROM cum ORDER BY at DESC LIMIT 1),
     size AS (SELECT pg_total_relation_size(to_regclass($1))::float8 AS keys,
                     pg_total_relation_size(to_regclass($2))::float8 AS events)
     INSERT INTO ${t.ownTable("store_size_samples")} (at, table_name, rows, bytes)
     SELECT c.at, x.name, x.rows, x.bytes
       FROM cum c, last l, size s
      CROSS JOIN LATERAL (VALUES
        ($3, greatest(c.live, 0), s.keys * greatest(c.live, 0) / nullif(l.live, 0)),
        ($4, c.total, s.events * c.total / nullif(l.total, 0))) AS x(name, rows, bytes)
      WHERE c.at < now() - interval '1 hour' AND x.bytes IS NOT NULL
     ON CONFLICT DO NOTHING`,
    [t.keys, t.events, names.keys, names.events],
  );
  return r.rowCount ?? 0;
}
