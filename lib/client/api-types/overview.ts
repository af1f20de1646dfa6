// JSON shape of GET /api/v1/overview (docs/api.md), shared by the route and the page.
import type { Range } from "../range";
import type { SlotStatus, SourceSummary } from "./source";

export type OutcomeCounts = {
  claimed: number;
  reclaimed: number;
  replayed: number;
  conflict: number;
  mismatch: number;
};

export type OverviewSeriesPoint = OutcomeCounts & { t: string };

/** Highest number of stuck keys sampled in the bucket; null when no sample was taken. */
export type StuckPoint = { t: string; stuck: number | null };

/** milliseconds; null without a measured request */
export type LatencyPercentiles = { p50: number | null; p95: number | null; p99: number | null };

export type EndpointActivity = {
  endpoint: string;
  requests: number;
  replayed: number;
  conflicts: number;
  mismatches: number;
  /** the reference writer's claims (its unique insert) in the range; null where none was timed */
  claimLatencyMs: LatencyPercentiles | null;
};

export type CollectorStatus = {
  /** seconds since the collector last caught up with the events table; null before its first run */
  lagSeconds: number | null;
  leader: string | null;
  eventsTotal: number;
  errorsTotal: number;
  lastError: string | null;
  /** event ids not yet visible (open transactions) that the collector keeps checking */
  openGaps: number;
};

export type Overview = {
  range: Range;
  generatedAt: string;
  /** start of the first rollup bucket counted (windows are aligned to bucket boundaries) */
  from: string;
  collector: CollectorStatus;
  /** Requests = claimed + reclaimed + replayed + conflict + mismatch (docs/store-contract.md, "How the numbers are computed") */
  requests: number;
  requestsPerMinute: number;
  /** null where the connected layout cannot see replays (source.notCaptured says why) */
  replayed: number | null;
  /** replayed / requests; null without requests */
  replayRatio: number | null;
  /** successful completions in the range that were not their intent's first success (null: unavailable) */
  duplicateSuccesses: number | null;
  /** intents whose first successful completion is in the range (null: unavailable) */
  succeededIntents: number | null;
  /** duplicateSuccesses / succeededIntents; null without successes (docs/store-contract.md) */
  duplicateSuccessRate: number | null;
  /** null where the layout cannot see 409s (source.notCaptured) */
  conflicts: number | null;
  /** null where the layout cannot see 422s (source.notCaptured) */
  mismatches: number | null;
  /** null when its query timed out (see `unavailable`) */
  stuckKeys: number | null;
  replayLatencyMs: LatencyPercentiles;
  bucketSeconds: number;
  series: OverviewSeriesPoint[];
  busiestEndpoints: EndpointActivity[];
  stuckSeries: StuckPoint[] | null;
  /** where the numbers come from and what the layout cannot see */
  source: SourceSummary;
  /** logical capture's slot: lag and retained WAL (null for other captures) */
  captureSlot: SlotStatus | null;
  /** panels whose query the database cancelled (timeout, replica conflict), with the reason */
  unavailable: OverviewUnavailable;
};

/** The Overview's parts that may be missing while the rest is shown. */
export type OverviewUnavailable = Partial<
  Record<
    "successes" | "replayLatency" | "claimLatency" | "stuckKeys" | "stuckSeries" | "captureSlot",
    string
  >
>;

export const DUPLICATE_SUCCESS_TARGET = 0.001;

/** GET /api/v1/overview/stuck-series: the stuck-keys chart, which the page streams on its own. */
export type StuckSeriesPanel = {
  range: Range;
  bucketSeconds: number;
  /** null when its query was cancelled (see `unavailable`) */
  stuckSeries: StuckPoint[] | null;
  unavailable: string | null;
  /** why the source cannot show this chart at all (spans only: no store to sample), else null */
  notCaptured: string | null;
};
