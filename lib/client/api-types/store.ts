// JSON shape of GET /api/v1/store (docs/store-contract.md: "store growth", "TTL advisor", §4.6, §8).
import type { CaptureHealth, SourceSummary } from "./source";

export const STORE_RANGES = ["7d", "30d", "90d"] as const;
export type StoreRange = (typeof STORE_RANGES)[number];
export const STORE_DAYS: Record<StoreRange, number> = { "7d": 7, "30d": 30, "90d": 90 };

export type SizeSample = { t: string; rows: number; bytes: number };

export type StoreTable = {
  name: string;
  /** latest catalog estimate (reltuples) and total size with indexes and TOAST */
  rows: number;
  bytes: number;
  /** the last sample of each bucket (`sampleSeconds`) in the range */
  samples: SizeSample[];
};

export type Projection = {
  status: "no_budget" | "not_enough_samples" | "not_growing" | "exceeded" | "projected";
  /** the sentence the page shows */
  message: string;
};

export type PurgerHealth = {
  /** keys past expires_at still in the table (counted up to `cap`) */
  expiredNotPurged: number;
  capped: boolean;
  cap: number;
  oldestExpiredAt: string | null;
  /** how long the oldest expired key has waited for the purger */
  lagSeconds: number | null;
  graceSeconds: number;
  status: "healthy" | "behind";
  message: string;
};

export type DelayBucket = {
  /** lower and upper bound in seconds (upper null: beyond the last bound) */
  fromSeconds: number;
  toSeconds: number | null;
  label: string;
  /** retries whose delay after the intent's first request fell in this bucket */
  retries: number;
  /** of those, the ones at or past the TTL: they found the key expired (a bucket the TTL cuts
   * through is split in proportion) */
  afterExpiry: number;
};

export type TtlAdvice = {
  endpoint: string;
  ttlSeconds: number | null;
  /** configured (IDEMSCOPE_ENDPOINT_TTLS) or observed on the newest keys (expires_at − created_at) */
  ttlSource: "configured" | "observed" | null;
  retries: number;
  /** retries that came at or after the TTL (null when the TTL is unknown) */
  afterExpiry: number | null;
  /** share of retries that arrived after the key expired: new work */
  afterExpiryShare: number | null;
  p99Seconds: number | null;
  p999Seconds: number | null;
  /** the smallest histogram bound that holds 99.9 % of retry delays; null beyond the last */
  suggestedTtlSeconds: number | null;
  verdict: "raise" | "ok" | "could_lower" | "no_data";
  message: string;
  histogram: DelayBucket[];
};

export type CreatedExpiredDay = { day: string; created: number; expired: number };

export type StoreReport = {
  range: StoreRange;
  sampleSeconds: number;
  tables: StoreTable[];
  /** over the range, summed over the tables; null without two samples a day apart */
  growthPerDay: { rows: number; bytes: number } | null;
  /**
   * what growthPerDay is from: the size samples, or (a library's table connected before the
   * samples span an hour) the imported keys' creation times, purges before capture unknown
   */
  growthBasis: "samples" | "creation times" | null;
  budgetBytes: number | null;
  projectedBudgetDate: string | null;
  projection: Projection;
  /** per UTC day: new keys (claims) and purged keys (expired events); null without events */
  createdExpired: CreatedExpiredDay[] | null;
  expiredNotPurged: number;
  purger: PurgerHealth;
  ttlAdvisor: TtlAdvice[];
  /** set when the store has no events table: what is missing and why */
  eventsUnavailable: string | null;
  /** where the numbers come from, and what each panel can see (docs/presets.md) */
  source: SourceSummary;
  /** capture's backlog and dead letters (null for the contract, which has no capture) */
  capture: CaptureHealth | null;
};
