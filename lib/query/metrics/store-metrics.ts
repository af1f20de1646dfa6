// The store-derived series of /api/metrics (documented in docs/metrics.md). Labels are endpoint,
// outcome or table only: never a key or a client id, so the number of series stays flat however
// many keys and clients the store sees. Counters come from the collector's all-time totals.
import "server-only";
import type { Config } from "../../core/config";
import { DUPLICATE_SUCCESS_TARGET } from "../../client/api-types/overview";
import { LATENCY_BOUNDS_MS } from "../../contract/histograms";
import { EXPIRED_COUNT_CAP } from "../store/store-report";
import { RECONCILE_OUTCOMES } from "../../contract/schema/reconciliation";
import { totalKey, type StoreSnapshot } from "./store-snapshot";

export type Sample = { labels?: Record<string, string>; value: number; metricName?: string };

export type MetricFamily = {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  samples: (s: StoreSnapshot, cfg: Config) => Sample[];
};

export const REQUEST_OUTCOMES = ["claimed", "reclaimed", "replayed", "conflict", "mismatch"];
export const COMPLETION_OUTCOMES = ["success", "error", "failed"];
export const OPERATOR_OUTCOMES = ["released", "failed_manually"];

const total = (s: StoreSnapshot, family: string, endpoint: string, outcome = "") =>
  s.totals.get(totalKey(family, endpoint, outcome)) ?? 0;

/** One counter per endpoint (and outcome), zero until the first event, so rate() sees the first. */
function counter(name: string, help: string, family: string, outcomes?: string[]): MetricFamily {
  return {
    name,
    help,
    type: "counter",
    samples: (s) =>
      s.endpoints.flatMap((endpoint) =>
        outcomes
          ? outcomes.map((outcome) => ({
              labels: { endpoint, outcome },
              value: total(s, family, endpoint, outcome),
            }))
          : [{ labels: { endpoint }, value: total(s, family, endpoint) }],
      ),
  };
}

/** Cumulative buckets from the collector's bucket counts (bucket i holds values below bound i). */
const latencySamples =
  (name: string, family: "replay_latency" | "claim_latency") =>
  (s: StoreSnapshot): Sample[] =>
    s.endpoints.flatMap((endpoint) => {
      let cumulative = 0;
      const buckets = LATENCY_BOUNDS_MS.map((bound, i) => {
        cumulative += total(s, `${family}_bucket`, endpoint, String(i));
        return {
          metricName: `${name}_bucket`,
          labels: { endpoint, le: String(bound / 1000) },
          value: cumulative,
        };
      });
      const count =
        cumulative + total(s, `${family}_bucket`, endpoint, String(LATENCY_BOUNDS_MS.length));
      return [
        ...buckets,
        { metricName: `${name}_bucket`, labels: { endpoint, le: "+Inf" }, value: count },
        {
          metricName: `${name}_sum`,
          labels: { endpoint },
          value: total(s, `${family}_sum`, endpoint),
        },
        { metricName: `${name}_count`, labels: { endpoint }, value: count },
      ];
    });

const perEndpoint = (s: StoreSnapshot, pick: (e: string) => number): Sample[] =>
  s.endpoints.map((endpoint) => ({ labels: { endpoint }, value: pick(endpoint) }));

export const STORE_FAMILIES: MetricFamily[] = [
  counter(
    "idemscope_requests_total",
    "Requests the store answered: claimed (new execution), reclaimed (expired lock taken over, the work runs again), replayed (stored response returned), conflict (409, key in progress), mismatch (422, different payload).",
    "requests",
    REQUEST_OUTCOMES,
  ),
  counter(
    "idemscope_completions_total",
    "Executions that finished: success (2xx stored), error (other response stored), failed (the handler failed).",
    "completions",
    COMPLETION_OUTCOMES,
  ),
  counter(
    "idemscope_first_successes_total",
    "Intents whose effect completed successfully for the first time (the duplicate success rate's denominator).",
    "first_successes",
  ),
  counter(
    "idemscope_duplicate_successes_total",
    "Successful completions of an intent that had already succeeded: the work idempotency exists to prevent.",
    "duplicate_successes",
  ),
  counter(
    "idemscope_operator_actions_total",
    "Stuck keys released or failed by an operator.",
    "operator_actions",
    OPERATOR_OUTCOMES,
  ),
  counter(
    "idemscope_keys_expired_total",
    "Keys purged after their TTL (expired events).",
    "keys_expired",
  ),
  {
    name: "idemscope_replay_latency_seconds",
    help: "Time to answer a retry from the stored response.",
    type: "histogram",
    samples: latencySamples("idemscope_replay_latency_seconds", "replay_latency"),
  },
  {
    name: "idemscope_claim_latency_seconds",
    help: "Time the reference writer's claim took: the unique insert that makes a request the key's first (absent for stores it does not write).",
    type: "histogram",
    samples: latencySamples("idemscope_claim_latency_seconds", "claim_latency"),
  },
  {
    name: "idemscope_annotations_total",
    help: "Annotations (deploys, changes) sent to POST /api/v1/annotations.",
    type: "counter",
    samples: (s) => [{ labels: {}, value: s.annotations.total }],
  },
  {
    name: "idemscope_last_annotation_timestamp_seconds",
    help: "Time of the newest annotation (0 when none): changes() of it marks deploys in Grafana.",
    type: "gauge",
    samples: (s) => [{ labels: {}, value: s.annotations.lastAt }],
  },
  {
    name: "idemscope_duplicates_open",
    help: "Duplicate successes not reconciled yet (Duplicates page).",
    type: "gauge",
    samples: (s) => [{ labels: {}, value: s.reconciliation.open }],
  },
  {
    name: "idemscope_duplicates_overdue",
    help: "Open duplicate successes whose first request is older than IDEMSCOPE_RECONCILE_WITHIN_HOURS.",
    type: "gauge",
    samples: (s) => [{ labels: {}, value: s.reconciliation.overdue }],
  },
  {
    name: "idemscope_duplicate_open_oldest_age_seconds",
    help: "Since the first request of the oldest open duplicate success (0 when none is open).",
    type: "gauge",
    samples: (s) => [{ labels: {}, value: s.reconciliation.oldestAgeSeconds }],
  },
  {
    name: "idemscope_reconciliations_total",
    help: "Duplicate successes marked reconciled, by outcome (metric M5: per month, target 0-5).",
    type: "counter",
    samples: (s) =>
      RECONCILE_OUTCOMES.map((outcome) => ({
        labels: { outcome },
        value: s.reconciliation.byOutcome.get(outcome) ?? 0,
      })),
  },
  {
    name: "idemscope_stuck_keys",
    help: "Keys in progress whose lock is older than the endpoint's lock timeout (or orphaned).",
    type: "gauge",
    // absent, not 0, where the store cannot be read (spans only)
    samples: (s) =>
      s.storeVisible
        ? perEndpoint(s, (e) => s.stuck.find((x) => x.endpoint === e)?.stuck ?? 0)
        : [],
  },
  {
    name: "idemscope_stuck_key_oldest_age_seconds",
    help: "Seconds since the oldest stuck key of the endpoint was locked (0 when none is stuck).",
    type: "gauge",
    samples: (s) =>
      s.storeVisible
        ? perEndpoint(s, (e) => s.stuck.find((x) => x.endpoint === e)?.oldestAgeSeconds ?? 0)
        : [],
  },
  {
    name: "idemscope_store_table_rows",
    help: "Rows of the store's tables, from the planner's estimate (pg_class.reltuples).",
    type: "gauge",
    samples: (s) => s.tables.map((x) => ({ labels: { table: x.name }, value: x.rows })),
  },
  {
    name: "idemscope_store_table_bytes",
    help: "Bytes of the store's tables including indexes and TOAST (pg_total_relation_size).",
    type: "gauge",
    samples: (s) => s.tables.map((x) => ({ labels: { table: x.name }, value: x.bytes })),
  },
  {
    name: "idemscope_store_expired_keys",
    help: `Keys past expires_at still in the keys table, waiting for the purger (counted up to ${EXPIRED_COUNT_CAP}).`,
    type: "gauge",
    samples: (s) => (s.storeVisible ? [{ value: s.expired.n }] : []),
  },
  {
    name: "idemscope_store_oldest_expired_key_age_seconds",
    help: "Seconds since the oldest key still in the table expired (0 when none waits).",
    type: "gauge",
    samples: (s) => (s.storeVisible ? [{ value: s.expired.lag ?? 0 }] : []),
  },
  {
    name: "idemscope_store_size_budget_bytes",
    help: "Configured size budget of the store's tables (IDEMSCOPE_STORE_SIZE_BUDGET); absent when none.",
    type: "gauge",
    samples: (_s, cfg) =>
      cfg.storeSizeBudgetBytes === null ? [] : [{ value: cfg.storeSizeBudgetBytes }],
  },
  {
    name: "idemscope_purge_grace_seconds",
    help: "How long an expired key may wait for the purger before the purger counts as behind (IDEMSCOPE_PURGE_GRACE_SECONDS).",
    type: "gauge",
    samples: (_s, cfg) => [{ value: cfg.purgeGraceSeconds }],
  },
  {
    name: "idemscope_duplicate_success_rate_target_ratio",
    help: "Target the duplicate success rate must stay under.",
    type: "gauge",
    samples: () => [{ value: DUPLICATE_SUCCESS_TARGET }],
  },
  {
    name: "idemscope_collector_lag_seconds",
    help: "Seconds since the rollup collector last caught up with the events table.",
    type: "gauge",
    samples: (s) => [{ value: s.collector.lagSeconds ?? Number.NaN }],
  },
  {
    name: "idemscope_collector_last_run_timestamp_seconds",
    help: "Unix time of the collector's last batch (0: never ran).",
    type: "gauge",
    samples: (s) => [{ value: s.collector.lastRunAt ?? 0 }],
  },
  {
    name: "idemscope_collector_events_total",
    help: "Events folded into the rollups.",
    type: "counter",
    samples: (s) => [{ value: s.collector.eventsTotal }],
  },
  {
    name: "idemscope_collector_batches_total",
    help: "Collector batches committed.",
    type: "counter",
    samples: (s) => [{ value: s.collector.batchesTotal }],
  },
  {
    name: "idemscope_collector_errors_total",
    help: "Collector ticks that failed (retried on the next tick).",
    type: "counter",
    samples: (s) => [{ value: s.collector.errorsTotal }],
  },
  {
    name: "idemscope_source_info",
    help: "The store source idemscope reads: 1, labelled with the preset ('contract' for the store contract).",
    type: "gauge",
    samples: (s) => [{ labels: { preset: s.source.preset }, value: 1 }],
  },
  {
    name: "idemscope_capture_queued_changes",
    help: "Row changes the trigger capture queued and the collector has not turned into events yet (absent without a preset source).",
    type: "gauge",
    samples: (s) => (s.source.queued === null ? [] : [{ value: s.source.queued }]),
  },
  {
    name: "idemscope_capture_errors_total",
    help: "Row changes the trigger capture had to skip (a capture error in the service's write, or a row image the derivation cannot read); absent without a preset source.",
    type: "counter",
    samples: (s) => (s.source.captureErrors === null ? [] : [{ value: s.source.captureErrors }]),
  },
  {
    name: "idemscope_capture_dead_letters",
    help: "Row changes whose derivation failed on their data, kept in capture_dead_letters (counted up to 100,000); absent without a preset source.",
    type: "gauge",
    samples: (s) => (s.source.deadLetters === null ? [] : [{ value: s.source.deadLetters }]),
  },
  {
    name: "idemscope_capture_queue_bytes",
    help: "Size of trigger capture's queue on the store's disk; absent without a preset source.",
    type: "gauge",
    samples: (s) => (s.source.queueBytes === null ? [] : [{ value: s.source.queueBytes }]),
  },
  {
    name: "idemscope_capture_queue_limit_bytes",
    help: "Size past which the capture triggers stop queueing (IDEMSCOPE_CAPTURE_QUEUE_LIMIT); absent without a preset source.",
    type: "gauge",
    samples: (s) =>
      s.source.queueBytes === null ? [] : [{ value: s.source.queueLimitBytes ?? 0 }],
  },
  {
    name: "idemscope_capture_heartbeats_rejected_total",
    help: "Heartbeat messages in the store's WAL that were not signed with idemscope's key (forged or malformed); absent for other captures.",
    type: "counter",
    samples: (s) => (s.slot ? [{ value: s.slot.heartbeatsRejected }] : []),
  },
  {
    name: "idemscope_capture_decoder_starts_total",
    help: "Times logical capture's decoder started streaming; climbing fast means it keeps failing and restarting; absent for other captures.",
    type: "counter",
    samples: (s) => (s.slot ? [{ value: s.slot.decoderStarts }] : []),
  },
  {
    name: "idemscope_capture_slot_wal_unbounded",
    help: "1 when max_slot_wal_keep_size is unbounded: a stalled decoder lets the slot keep WAL until the store's disk is full; absent for other captures or when not visible.",
    type: "gauge",
    samples: (s) =>
      s.slot &&
      s.slot.walStatus !== null &&
      s.slot.walStatus !== "missing" &&
      s.slot.sampledAt === null
        ? [{ value: s.slot.safeWalBytes === null ? 1 : 0 }]
        : [],
  },
  {
    name: "idemscope_capture_lag_seconds",
    help: "Seconds since logical capture last had nothing left to apply (its heartbeat's age); absent for other captures.",
    type: "gauge",
    samples: (s) => (s.slot?.lagSeconds == null ? [] : [{ value: s.slot.lagSeconds }]),
  },
  {
    name: "idemscope_capture_slot_retained_wal_bytes",
    help: "WAL that logical capture's replication slot keeps on the store's disk; absent for other captures.",
    type: "gauge",
    samples: (s) => (s.slot?.retainedWalBytes == null ? [] : [{ value: s.slot.retainedWalBytes }]),
  },
  {
    name: "idemscope_capture_slot_safe_wal_bytes",
    help: "WAL that may still be written before PostgreSQL invalidates the slot (max_slot_wal_keep_size); absent when unbounded or for other captures.",
    type: "gauge",
    samples: (s) => (s.slot?.safeWalBytes == null ? [] : [{ value: s.slot.safeWalBytes }]),
  },
  {
    name: "idemscope_capture_slot_active",
    help: "1 while a reader streams logical capture's slot, 0 when none does; absent for other captures or when not visible (a replica).",
    type: "gauge",
    samples: (s) => (s.slot?.active == null ? [] : [{ value: s.slot.active ? 1 : 0 }]),
  },
  {
    name: "idemscope_capture_slot_lost",
    help: "1 when logical capture's slot was invalidated (wal_status lost) or dropped: changes are no longer captured; absent for other captures.",
    type: "gauge",
    samples: (s) =>
      s.slot
        ? [{ value: s.slot.walStatus === "lost" || s.slot.walStatus === "missing" ? 1 : 0 }]
        : [],
  },
  {
    name: "idemscope_collector_history_folded_events",
    help: "Events of the store's history (from before the collector first ran) folded so far; absent without history.",
    type: "gauge",
    samples: (s) => (s.collector.historyDone === null ? [] : [{ value: s.collector.historyDone }]),
  },
  {
    name: "idemscope_collector_history_events",
    help: "Events of the store's history to fold in all (an estimate); folded = this when the history is done.",
    type: "gauge",
    samples: (s) =>
      s.collector.historyTotal === null ? [] : [{ value: s.collector.historyTotal }],
  },
  {
    name: "idemscope_collector_paused",
    help: "1 while the collector holds its history fold back because the store is under pressure (replica lag, busy connections).",
    type: "gauge",
    samples: (s) => [{ value: s.collector.paused ? 1 : 0 }],
  },
  {
    name: "idemscope_collector_history_rate_limited",
    help: "1 while the history fold keeps to a rate limit (IDEMSCOPE_COLLECTOR_MAX_EVENTS_PER_SECOND, or the busy limit while the store's own table is written).",
    type: "gauge",
    samples: (s) => [{ value: s.collector.historyRateLimited ? 1 : 0 }],
  },
  {
    name: "idemscope_collector_election_takeovers_total",
    help: "Times the collector's election lock was held by a session without idemscope's rights and won back by advancing its key.",
    type: "counter",
    samples: (s) => [{ value: s.collector.electionTakeovers }],
  },
  {
    name: "idemscope_collector_open_gaps",
    help: "Event ids below the collector's watermark not visible yet (transactions still open).",
    type: "gauge",
    samples: (s) => [{ value: s.collector.openGaps }],
  },
];
