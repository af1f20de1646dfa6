// Prometheus counters (docs/metrics.md) kept as all-time totals that the collector adds to in the same
// transaction as the rollups: /api/metrics reads a few hundred rows, the values survive restarts
// and agree between replicas, and retention never makes them go down.
import { LATENCY_BOUNDS_MS } from "../histograms";
import { isSuccess, REQUEST_KINDS } from "../vocabulary";
import type { TableNames } from "../tables";

/**
 * family: requests (outcome = request kind), completions (success | error | failed),
 * first_successes / duplicate_successes (outcome ''), operator_actions (released |
 * failed_manually), keys_expired (''), replay_latency_bucket (outcome = histogram bucket index),
 * replay_latency_sum (seconds).
 */
export function metricTotalsStatements(t: TableNames): string[] {
  const totals = t.ownTable("metric_totals");
  const day = (table: string) =>
    `(SELECT * FROM ${t.ownTable(table)} WHERE resolution = 'day') AS ${table}`;
  // bucket midpoints, for the latency sum of history folded before this table existed
  const mids = LATENCY_BOUNDS_MS.map((b, i) => ((LATENCY_BOUNDS_MS[i - 1] ?? 0) + b) / 2);
  mids.push(LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1] as number);
  return [
    `CREATE TABLE ${totals} (
      family   text NOT NULL,
      endpoint text NOT NULL,
      outcome  text NOT NULL,
      value    float8 NOT NULL,
      PRIMARY KEY (family, endpoint, outcome)
    )`,
    // Existing installs start from the day rollups they keep (the counters' absolute value does
    // not matter to Prometheus, only that it never goes down).
    `INSERT INTO ${totals} (family, endpoint, outcome, value)
     SELECT f.family, endpoint, f.outcome, sum(events)
       FROM ${day("rollup_events")}
      CROSS JOIN LATERAL (SELECT ${familyOfEvent("kind", "response_class * 100")}) f
      WHERE f.family IS NOT NULL
      GROUP BY 1, 2, 3`,
    `INSERT INTO ${totals} (family, endpoint, outcome, value)
     SELECT 'first_successes', endpoint, '', sum(first_successes) FROM ${day("rollup_successes")} GROUP BY endpoint
     UNION ALL
     SELECT 'duplicate_successes', endpoint, '', sum(duplicate_successes) FROM ${day("rollup_successes")} GROUP BY endpoint
     UNION ALL
     SELECT 'replay_latency_bucket', endpoint, le_index::text, sum(events)
       FROM ${day("rollup_latency")} WHERE kind = 'replayed' GROUP BY endpoint, le_index
     UNION ALL
     SELECT 'replay_latency_sum', endpoint, '', sum(events * ('{${mids.join(",")}}'::float8[])[le_index + 1]) / 1000
       FROM ${day("rollup_latency")} WHERE kind = 'replayed' GROUP BY endpoint`,
  ];
}

/**
 * SQL (family, outcome) of an event, from its kind and response code; family NULL for kinds that
 * no counter follows (claims are requests; "completed" is a completion).
 */
export function familyOfEvent(kind: string, responseCode: string): string {
  return `CASE WHEN ${kind} IN ${REQUEST_KINDS} THEN 'requests'
              WHEN ${kind} IN ('completed', 'failed') THEN 'completions'
              WHEN ${kind} IN ('released', 'failed_manually') THEN 'operator_actions'
              WHEN ${kind} = 'expired' THEN 'keys_expired' END AS family,
         CASE WHEN ${isSuccess(kind, responseCode)} THEN 'success'
              WHEN ${kind} = 'completed' THEN 'error'
              WHEN ${kind} = 'expired' THEN ''
              ELSE ${kind} END AS outcome`;
}
