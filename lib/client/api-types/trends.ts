// JSON shape of GET /api/v1/trends (docs/api.md): daily numbers for the executive view.
import type { ReconciliationMonth } from "./reconciliation";
import type { MoneyInDuplicates } from "./money";
import type { SourceSummary } from "./source";
export const TREND_RANGES = ["7d", "30d", "90d"] as const;
export type TrendRange = (typeof TREND_RANGES)[number];
export const TREND_DAYS: Record<TrendRange, number> = { "7d": 7, "30d": 30, "90d": 90 };

export type TrendDay = {
  /** UTC day, YYYY-MM-DD */
  day: string;
  requests: number;
  /** requests answered from the store: duplicates prevented */
  replayed: number;
  /** successes that were not their intent's first (docs/store-contract.md) */
  duplicateSuccesses: number;
  /** intents whose first success fell on this day */
  succeededIntents: number;
  /**
   * null on a day without any success, and on a day wholly before capture began (imported rows say
   * nothing of duplicates)
   */
  duplicateSuccessRate: number | null;
  /**
   * the day is wholly (`all`) or partly (`part`) before capture began: its numbers are imported
   * from the rows the table held (first requests and outcomes only); null: captured
   */
  imported: "all" | "part" | null;
  /** today: not over yet, so not judged against the target (its rate moves for hours) */
  partial: boolean;
  /** releases and fails by operators */
  interventions: number;
};

export type TrendVerdict = {
  daysWithinTarget: number;
  /** days with at least one success (a rate to judge) */
  daysMeasured: number;
  worst: {
    day: string;
    rate: number;
    duplicateSuccesses: number;
    endpoint: string | null;
    endpointDuplicates: number;
  } | null;
  /** the one line for the meeting */
  summary: string;
};

export type TrendMonth = { month: string; releases: number; fails: number };

export type StoreGrowthSummary = {
  tables: { name: string; rows: number; bytes: number }[];
  /** change over the range, per day; null without two samples */
  bytesPerDay: number | null;
  rowsPerDay: number | null;
  /** as StoreReport's growthBasis */
  growthBasis: "samples" | "creation times" | null;
};

export type Trends = {
  range: TrendRange;
  target: number;
  days: TrendDay[];
  totals: {
    requests: number;
    replayed: number;
    duplicateSuccesses: number;
    succeededIntents: number;
    duplicateSuccessRate: number | null;
    interventions: number;
  };
  verdict: TrendVerdict;
  /** manual interventions per month, the last 12 months */
  months: TrendMonth[];
  store: StoreGrowthSummary;
  /** metric M5: duplicate successes reconciled per month against 0–5, and those still open */
  reconciliation: {
    months: ReconciliationMonth[];
    target: { min: number; max: number };
    open: number;
    oldestOpenFirstRequestAt: string | null;
  };
  /** the money in the range's duplicate successes, open or reconciled, per currency */
  money: MoneyInDuplicates;
  /** where the numbers come from and what the layout cannot see */
  source: SourceSummary;
};
