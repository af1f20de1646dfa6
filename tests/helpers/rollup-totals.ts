// Compares every rollup against counts of the raw events table: the definition of exact.
import type { Pool } from "pg";
import type { TableNames } from "../../lib/contract/tables";

type Row = Record<string, string | number>;

async function rows(pool: Pool, sql: string): Promise<Row[]> {
  return (await pool.query(sql)).rows;
}

export async function rollupVersusRaw(pool: Pool, t: TableNames) {
  const r = t.ownTable;
  const okSuccess = `kind = 'completed' AND response_code BETWEEN 200 AND 299`;
  const requests = `kind IN ('claimed', 'reclaimed', 'replayed', 'conflict', 'mismatch')`;
  const pairs: Record<string, [string, string]> = {};
  for (const res of ["minute", "hour", "day"]) {
    pairs[`events/${res}`] = [
      `SELECT endpoint, kind, coalesce(response_code / 100, 0) AS class, count(*)::int AS n FROM ${t.events} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      `SELECT endpoint, kind, response_class AS class, sum(events)::int AS n FROM ${r("rollup_events")} WHERE resolution = '${res}' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    ];
    pairs[`latency/${res}`] = [
      `SELECT kind, count(*)::int AS n FROM ${t.events} WHERE latency_ms IS NOT NULL AND kind IN ('replayed', 'completed', 'failed', 'claimed') GROUP BY 1 ORDER BY 1`,
      `SELECT kind, sum(events)::int AS n FROM ${r("rollup_latency")} WHERE resolution = '${res}' GROUP BY 1 ORDER BY 1`,
    ];
    pairs[`successes/${res}`] = [
      `SELECT count(DISTINCT (scope, endpoint, key))::int AS first, (count(*) - count(DISTINCT (scope, endpoint, key)))::int AS dup FROM ${t.events} WHERE ${okSuccess}`,
      `SELECT coalesce(sum(first_successes), 0)::int AS first, coalesce(sum(duplicate_successes), 0)::int AS dup FROM ${r("rollup_successes")} WHERE resolution = '${res}'`,
    ];
  }
  const grains: Record<string, string> = {
    minute: `resolution = 'm'`,
    hour: `resolution = 'h'`,
    "day/*": `resolution = 'd' AND endpoint = 0`,
    "day/endpoint": `resolution = 'd' AND endpoint <> 0`,
  };
  const clientRows = `${r("rollup_clients")} JOIN ${r("client_names")} n ON n.id = client`;
  for (const [grain, where] of Object.entries(grains)) {
    pairs[`clients/${grain}`] = [
      `SELECT scope, count(*)::int AS requests, count(*) FILTER (WHERE kind = 'claimed')::int AS claimed,
              count(*) FILTER (WHERE kind = 'replayed')::int AS replayed, count(*) FILTER (WHERE kind = 'conflict')::int AS conflicts,
              count(*) FILTER (WHERE kind = 'mismatch')::int AS mismatches, count(*) FILTER (WHERE kind = 'reclaimed')::int AS reclaimed
         FROM ${t.events} WHERE ${requests} GROUP BY 1 ORDER BY 1`,
      `SELECT scope, sum(requests)::int AS requests, sum(claimed)::int AS claimed, sum(replayed)::int AS replayed,
              sum(conflicts)::int AS conflicts, sum(mismatches)::int AS mismatches, sum(reclaimed)::int AS reclaimed
         FROM ${clientRows} WHERE ${where} AND (requests > 0) GROUP BY 1 ORDER BY 1`,
    ];
    // keys: intents counted once each, by their first request
    pairs[`client keys/${grain}`] = [
      `SELECT scope, count(DISTINCT (endpoint, key))::int AS keys FROM ${t.events} WHERE ${requests} GROUP BY 1 ORDER BY 1`,
      `SELECT scope, sum(keys)::int AS keys FROM ${clientRows} WHERE ${where} GROUP BY 1 HAVING sum(keys) <> 0 ORDER BY 1`,
    ];
  }
  pairs["retry delays"] = [
    // every request except each intent's first request
    `SELECT (count(*) - count(DISTINCT (scope, endpoint, key)))::int AS n FROM ${t.events} WHERE ${requests}`,
    `SELECT coalesce(sum(events), 0)::int AS n FROM ${r("rollup_retry_delays")}`,
  ];
  // /api/metrics counters: all-time totals per endpoint and outcome
  const totals = (family: string) =>
    `SELECT endpoint, outcome, value::int AS n FROM ${r("metric_totals")} WHERE family = '${family}' AND value <> 0 ORDER BY 1, 2`;
  pairs["metric totals/requests"] = [
    `SELECT endpoint, kind AS outcome, count(*)::int AS n FROM ${t.events} WHERE ${requests} GROUP BY 1, 2 ORDER BY 1, 2`,
    totals("requests"),
  ];
  pairs["metric totals/completions"] = [
    `SELECT endpoint, CASE WHEN kind = 'failed' THEN 'failed' WHEN response_code BETWEEN 200 AND 299 THEN 'success' ELSE 'error' END AS outcome,
            count(*)::int AS n FROM ${t.events} WHERE kind IN ('completed', 'failed') GROUP BY 1, 2 ORDER BY 1, 2`,
    totals("completions"),
  ];
  pairs["metric totals/successes"] = [
    `SELECT endpoint, count(DISTINCT (scope, key))::int AS first, (count(*) - count(DISTINCT (scope, key)))::int AS dup
       FROM ${t.events} WHERE ${okSuccess} GROUP BY 1 ORDER BY 1`,
    `SELECT endpoint, sum(value) FILTER (WHERE family = 'first_successes')::int AS first,
            coalesce(sum(value) FILTER (WHERE family = 'duplicate_successes'), 0)::int AS dup
       FROM ${r("metric_totals")} WHERE family IN ('first_successes', 'duplicate_successes')
      GROUP BY 1 HAVING sum(value) FILTER (WHERE family = 'first_successes') <> 0 ORDER BY 1`,
  ];
  pairs["metric totals/replay latency"] = [
    `SELECT endpoint, count(*)::int AS n, round(sum(latency_ms)::numeric / 1000, 3)::text AS seconds
       FROM ${t.events} WHERE kind = 'replayed' AND latency_ms IS NOT NULL GROUP BY 1 ORDER BY 1`,
    `SELECT endpoint, sum(value) FILTER (WHERE family = 'replay_latency_bucket')::int AS n,
            round(sum(value) FILTER (WHERE family = 'replay_latency_sum')::numeric, 3)::text AS seconds
       FROM ${r("metric_totals")} WHERE family LIKE 'replay_latency%' GROUP BY 1 ORDER BY 1`,
  ];
  const out: Record<string, { raw: Row[]; rollup: Row[] }> = {};
  for (const [name, [raw, rollup]] of Object.entries(pairs)) {
    out[name] = { raw: await rows(pool, raw), rollup: await rows(pool, rollup) };
  }
  return out;
}
