// Clients page (docs/api.md, "Pages"): per-client rollups lean enough for thousands of clients.
// rollup_clients gains "keys" (intents first seen in the bucket, for retries per key), a
// minute resolution (endpoint '*', kept a few hours: retry-storm detection) and day rows per
// client over all endpoints ('*'). The collector keeps a snapshot of every client's totals per
// range (client_range_totals) and the current retry storms (client_storms), so the list reads a
// few thousand rows at most whatever the range (lib/fold/client-totals.ts).
import { CLIENT_HOUR_DAYS } from "../vocabulary";
import type { TableNames } from "../tables";

export function clientTotalsStatements(t: TableNames): string[] {
  const r = t.ownTable;
  const clients = r("rollup_clients");
  const counters = "requests, claimed, reclaimed, replayed, conflicts, mismatches";
  return [
    `ALTER TABLE ${clients} ADD COLUMN keys bigint NOT NULL DEFAULT 0`,
    `ALTER TABLE ${clients} DROP CONSTRAINT rollup_clients_resolution_check`,
    `ALTER TABLE ${clients} ADD CONSTRAINT rollup_clients_resolution_check
       CHECK (resolution IN ('minute', 'hour', 'day'))`,
    // Existing installs: day totals over all endpoints from the per-endpoint day rows …
    `INSERT INTO ${clients} (resolution, bucket, scope, endpoint, ${counters})
     SELECT 'day', bucket, scope, '*', sum(requests), sum(claimed), sum(reclaimed), sum(replayed),
            sum(conflicts), sum(mismatches)
       FROM ${clients} WHERE resolution = 'day' GROUP BY bucket, scope`,
    // … and keys from the per-intent memory (intents older than its horizon are gone: their
    // days keep keys = 0, so retries per key shows "–" there).
    `INSERT INTO ${clients} AS x (resolution, bucket, scope, endpoint, ${counters}, keys)
     SELECT r.res, date_trunc(r.res, i.first_request_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', i.scope,
            coalesce(r.ep, i.endpoint), 0, 0, 0, 0, 0, 0, count(*)
       FROM ${r("intents")} i
      CROSS JOIN (VALUES ('hour', '*'), ('day', '*'), ('day', NULL)) AS r(res, ep)
      WHERE i.first_request_at IS NOT NULL
        AND (r.res = 'day' OR i.first_request_at >= now() - make_interval(days => ${CLIENT_HOUR_DAYS}))
      GROUP BY 1, 2, 3, 4
     ON CONFLICT (resolution, bucket, scope, endpoint) DO UPDATE SET keys = excluded.keys`,
    `CREATE TABLE ${r("client_range_totals")} (
      range           text NOT NULL,
      scope           text NOT NULL,
      requests        bigint NOT NULL,
      keys            bigint NOT NULL,
      replayed        bigint NOT NULL,
      reclaimed       bigint NOT NULL,
      conflicts       bigint NOT NULL,
      mismatches      bigint NOT NULL,
      -- requests / keys; null without a key first seen in the range
      retries_per_key float8,
      PRIMARY KEY (range, scope)
    )`,
    `CREATE TABLE ${r("client_range_state")} (
      range       text PRIMARY KEY,
      range_from  timestamptz NOT NULL,
      computed_at timestamptz NOT NULL,
      clients     int NOT NULL,
      duration_ms int NOT NULL
    )`,
    `CREATE TABLE ${r("client_storms")} (
      scope           text PRIMARY KEY,
      since           timestamptz NOT NULL,
      factor          float8 NOT NULL,
      current_rate    float8 NOT NULL,
      baseline_rate   float8 NOT NULL,
      window_minutes  int NOT NULL,
      window_requests bigint NOT NULL,
      window_keys     bigint NOT NULL,
      computed_at     timestamptz NOT NULL
    )`,
  ];
}

/**
 * The hours in which a client retried far above its own baseline (lib/fold/storm-history.ts): the
 * retry storms of the past, so that a range shows the storms it held, not only one going on now.
 */
export function stormHistoryStatements(t: TableNames): string[] {
  return [
    `CREATE TABLE ${t.ownTable("client_storm_hours")} (
       scope    text NOT NULL,
       hour     timestamptz NOT NULL,
       -- requests per key in the hour, its client's baseline, and their ratio
       rate     double precision NOT NULL,
       baseline double precision NOT NULL,
       factor   double precision NOT NULL,
       requests bigint NOT NULL,
       PRIMARY KEY (scope, hour)
     )`,
    `CREATE INDEX client_storm_hours_hour_idx ON ${t.ownTable("client_storm_hours")} (hour)`,
  ];
}
