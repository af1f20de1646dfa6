// DDL of idemscope's rollups: what the collector maintains incrementally from the events table
// (see lib/fold/collector.ts and docs/performance.md).
import type { TableNames } from "../tables";

/**
 * idemscope's tables the collector builds from the source (its events, and a library's rows
 * imported once): emptied to fold them anew.
 */
export const FOLDED_TABLES = [
  "rollup_events",
  "rollup_latency",
  "rollup_clients",
  "client_names",
  "endpoint_names",
  "rollup_successes",
  "rollup_retry_delays",
  "intent_memory",
  "imported_intents",
  "duplicate_intents",
  "recent_errors",
  "hot_intents",
  "hot_intent_buckets",
  "collector_gaps",
  "client_range_totals",
  "client_range_state",
  "client_storms",
  "metric_totals",
  "history_client_days",
  "client_storm_hours",
  "hot_intent_top",
  "hot_intent_top_state",
] as const;

export function rollupStatements(t: TableNames): string[] {
  const r = t.ownTable;
  return [
    // Event counts per bucket, endpoint, kind and response class (2 = 2xx, 4 = 4xx, 0 = none).
    `CREATE TABLE ${r("rollup_events")} (
      resolution     text NOT NULL CHECK (resolution IN ('minute', 'hour', 'day')),
      bucket         timestamptz NOT NULL,
      endpoint       text NOT NULL,
      kind           text NOT NULL,
      response_class smallint NOT NULL,
      events         bigint NOT NULL,
      PRIMARY KEY (resolution, bucket, endpoint, kind, response_class)
    )`,
    // Latency histograms with fixed bucket bounds (lib/contract/histograms.ts): le_index is the
    // bucket's index, so p50/p95/p99 come from sums of counts.
    `CREATE TABLE ${r("rollup_latency")} (
      resolution text NOT NULL,
      bucket     timestamptz NOT NULL,
      endpoint   text NOT NULL,
      kind       text NOT NULL,
      le_index   smallint NOT NULL,
      events     bigint NOT NULL,
      PRIMARY KEY (resolution, bucket, endpoint, kind, le_index)
    )`,
    // Per-client counts at a coarser grain: hourly per client (endpoint '*'), daily per client
    // and endpoint. "keys" are claims: new intents the client started.
    `CREATE TABLE ${r("rollup_clients")} (
      resolution text NOT NULL CHECK (resolution IN ('hour', 'day')),
      bucket     timestamptz NOT NULL,
      scope      text NOT NULL,
      endpoint   text NOT NULL,
      requests   bigint NOT NULL,
      claimed    bigint NOT NULL,
      reclaimed  bigint NOT NULL,
      replayed   bigint NOT NULL,
      conflicts  bigint NOT NULL,
      mismatches bigint NOT NULL,
      PRIMARY KEY (resolution, bucket, scope, endpoint)
    )`,
    `CREATE INDEX rollup_clients_scope_idx ON ${r("rollup_clients")} (scope, resolution, bucket)`,
    // Successful completions split into each intent's first and the duplicates after it.
    `CREATE TABLE ${r("rollup_successes")} (
      resolution          text NOT NULL,
      bucket              timestamptz NOT NULL,
      endpoint            text NOT NULL,
      first_successes     bigint NOT NULL,
      duplicate_successes bigint NOT NULL,
      PRIMARY KEY (resolution, bucket, endpoint)
    )`,
    // Delay between an intent's first request and each retry, per day and endpoint
    // (class 'retry'; 'after_expiry' for new claims of an intent seen before: new work).
    `CREATE TABLE ${r("rollup_retry_delays")} (
      bucket   timestamptz NOT NULL,
      endpoint text NOT NULL,
      class    text NOT NULL CHECK (class IN ('retry', 'after_expiry')),
      le_index smallint NOT NULL,
      events   bigint NOT NULL,
      PRIMARY KEY (bucket, endpoint, class, le_index)
    )`,
    // Per-intent memory for exact duplicate-success counting and retry delays.
    `CREATE TABLE ${r("intents")} (
      scope            text NOT NULL,
      endpoint         text NOT NULL,
      key              text NOT NULL,
      first_request_at timestamptz,
      first_request_id bigint,
      first_success_at timestamptz,
      first_success_id bigint,
      successes        int NOT NULL DEFAULT 0,
      PRIMARY KEY (scope, endpoint, key)
    )`,
    `CREATE INDEX intents_first_request_idx ON ${r("intents")} (first_request_at)`,
    // The collector's position: everything with id <= watermark is counted, except the gaps.
    `CREATE TABLE ${r("collector_state")} (
      id                 int PRIMARY KEY CHECK (id = 1),
      watermark          bigint NOT NULL,
      events_total       bigint NOT NULL DEFAULT 0,
      batches_total      bigint NOT NULL DEFAULT 0,
      errors_total       bigint NOT NULL DEFAULT 0,
      last_error         text,
      last_run_at        timestamptz,
      last_caught_up_at  timestamptz,
      leader             text
    )`,
    `INSERT INTO ${r("collector_state")} (id, watermark) VALUES (1, 0)`,
    // Ids below the watermark not visible yet (a transaction still open) or never to be
    // (rolled back). Re-read every batch until visible, or dropped once every transaction that
    // could hold them has ended (fence < oldest running xid).
    `CREATE TABLE ${r("collector_gaps")} (
      id          bigint PRIMARY KEY,
      detected_at timestamptz NOT NULL DEFAULT now(),
      fence       xid8
    )`,
  ];
}
