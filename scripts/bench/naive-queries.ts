// What a dashboard without rollups runs: GROUP BY over the raw events table, the way a Grafana
// panel would. The benchmark times idemscope's answer to the same question against these.
import type { TableNames } from "../../lib/contract/tables";

const REQUESTS = `kind IN ('claimed', 'reclaimed', 'replayed', 'conflict', 'mismatch')`;

/** The Overview over `seconds`: totals with latency percentiles, the series, busiest endpoints, duplicates. */
export function naiveOverview(t: TableNames, seconds: number, bucketSeconds: number): string[] {
  const since = `at >= now() - make_interval(secs => ${seconds})`;
  return [
    `SELECT count(*) FILTER (WHERE ${REQUESTS}), count(*) FILTER (WHERE kind = 'replayed'),
            count(*) FILTER (WHERE kind = 'conflict'), count(*) FILTER (WHERE kind = 'mismatch'),
            percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE kind = 'replayed')
       FROM ${t.events} WHERE ${since}`,
    `SELECT date_bin(make_interval(secs => ${bucketSeconds}), at, timestamptz '2000-01-01'), kind, count(*)
       FROM ${t.events} WHERE ${since} AND ${REQUESTS} GROUP BY 1, 2`,
    `SELECT endpoint, count(*) FROM ${t.events} WHERE ${since} AND ${REQUESTS} GROUP BY 1 ORDER BY 2 DESC LIMIT 8`,
    `SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ${t.events} p WHERE p.scope = c.scope AND p.endpoint = c.endpoint
              AND p.key = c.key AND p.kind = 'completed' AND p.response_code BETWEEN 200 AND 299 AND (p.at, p.id) < (c.at, c.id)))
       FROM ${t.events} c WHERE c.kind = 'completed' AND c.response_code BETWEEN 200 AND 299 AND c.${since}`,
  ];
}

/** The reference panels. */
export function naivePanels(t: TableNames): Record<string, string> {
  return {
    "7-day hourly replay ratio": `SELECT date_bin('1 hour', at, timestamptz '2000-01-01'),
        count(*) FILTER (WHERE kind = 'replayed')::float8 / nullif(count(*) FILTER (WHERE ${REQUESTS}), 0)
        FROM ${t.events} WHERE at >= now() - interval '7 days' GROUP BY 1`,
    "per-client 24 h breakdown": `SELECT scope, count(*), count(*) FILTER (WHERE kind = 'replayed'),
        count(*) FILTER (WHERE kind = 'conflict'), count(*) FILTER (WHERE kind = 'mismatch')
        FROM ${t.events} WHERE at >= now() - interval '24 hours' AND ${REQUESTS} GROUP BY 1 ORDER BY 2 DESC LIMIT 50`,
  };
}

/** The same panels from the rollups (SQL level; their pages arrive with later work). */
export function rollupPanels(t: TableNames): Record<string, string> {
  return {
    "7-day hourly replay ratio": `SELECT bucket, sum(events) FILTER (WHERE kind = 'replayed')::float8 / nullif(sum(events), 0)
        FROM ${t.ownTable("rollup_events")} WHERE resolution = 'hour' AND bucket >= now() - interval '7 days' AND ${REQUESTS} GROUP BY 1`,
    "per-client 24 h breakdown": `SELECT n.scope, sum(requests), sum(replayed), sum(conflicts), sum(mismatches)
        FROM ${t.ownTable("rollup_clients")} x JOIN ${t.ownTable("client_names")} n ON n.id = x.client
        WHERE x.resolution = 'h' AND x.bucket >= now() - interval '24 hours'
        GROUP BY 1 ORDER BY 2 DESC LIMIT 50`,
  };
}
