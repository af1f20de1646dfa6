// JSON shape of GET /api/v1/overview (SPEC §8), shared by the route and the page.
import type { Range } from "../range";

export type OutcomeCounts = {
  claimed: number;
  reclaimed: number;
  replayed: number;
  conflict: number;
  mismatch: number;
};

export type OverviewSeriesPoint = OutcomeCounts & { t: string };

export type EndpointActivity = {
  endpoint: string;
  requests: number;
  replayed: number;
  conflicts: number;
  mismatches: number;
};

export type Overview = {
  range: Range;
  generatedAt: string;
  /** Requests = claimed + reclaimed + replayed + conflict + mismatch (SPEC §3) */
  requests: number;
  requestsPerMinute: number;
  replayed: number;
  /** replayed / requests; null without requests */
  replayRatio: number | null;
  /** intents whose success in the range was not their first success */
  duplicateSuccesses: number;
  /** intents that succeeded in the range */
  succeededIntents: number;
  /** duplicateSuccesses / succeededIntents; null without successes */
  duplicateSuccessRate: number | null;
  conflicts: number;
  mismatches: number;
  stuckKeys: number;
  replayLatencyMs: { p50: number | null; p95: number | null; p99: number | null };
  bucketSeconds: number;
  series: OverviewSeriesPoint[];
  busiestEndpoints: EndpointActivity[];
};

export const DUPLICATE_SUCCESS_TARGET = 0.001;
