// JSON shapes of GET /api/v1/clients and /api/v1/clients/{scope} (docs/api.md, "Pages").
import type { SourceSummary } from "./source";
export const CLIENT_RANGES = ["24h", "7d", "30d", "90d"] as const;
export type ClientRange = (typeof CLIENT_RANGES)[number];

export const CLIENT_SORTS = [
  "requests",
  "keys",
  "retriesPerKey",
  "conflicts",
  "mismatches",
  "scope",
] as const;
export type ClientSort = (typeof CLIENT_SORTS)[number];
export type SortDir = "asc" | "desc";

/** A retry storm: the client's requests per key well above its own 7-day baseline. */
export type ClientStorm = {
  scope: string;
  /** start of the storm (5-minute precision) */
  since: string;
  /** current rate ÷ baseline */
  factor: number;
  /** requests per key over the last `windowMinutes` (5, or 15 while a storm goes on) */
  currentRate: number;
  windowMinutes: number;
  /** requests per key over the 7 days before */
  baselineRate: number;
  windowRequests: number;
  /** "retry rate 9.4× its 7-day baseline since 02:10 UTC (…)" */
  explanation: string;
};

/** A client's retry storms within the range: the hours that held one (lib/fold/storm-history.ts). */
export type PastStorm = {
  scope: string;
  /** whole hours far above the client's own baseline */
  hours: number;
  /** the worst hour's requests per key ÷ the baseline */
  peakFactor: number;
  /** start of the latest such hour */
  lastHour: string;
};

export type ClientCounts = {
  requests: number;
  /** intents whose first request fell in the range */
  keys: number;
  /** requests ÷ keys (docs/store-contract.md, "How the numbers are computed"); null without a key first seen in the range */
  retriesPerKey: number | null;
  replayed: number;
  reclaimed: number;
  conflicts: number;
  mismatches: number;
};

/** The counts in the order the tables and CSV exports show them. */
export const CLIENT_COUNT_COLUMNS = [
  "requests",
  "keys",
  "retriesPerKey",
  "replayed",
  "reclaimed",
  "conflicts",
  "mismatches",
] as const satisfies readonly (keyof ClientCounts)[];

export type ClientItem = ClientCounts & {
  scope: string;
  storm: ClientStorm | null;
  /** storms earlier in the range (hours), whether or not one goes on now */
  pastStorm: PastStorm | null;
  /** retries per key per bucket (see `sparkline` of the list), null where no key started */
  sparkline: (number | null)[];
};

export type ClientList = {
  range: ClientRange;
  /** start of the first bucket counted (whole rollup buckets) */
  from: string | null;
  /** when the collector counted these totals; null before its first count */
  asOf: string | null;
  sort: ClientSort;
  dir: SortDir;
  /** every client in the range (not only this page) */
  totalClients: number;
  items: ClientItem[];
  nextCursor: string | null;
  /** every client in a storm now, wherever it sorts */
  storms: ClientStorm[];
  /** every client that had a storm within the range, worst first */
  pastStorms: PastStorm[];
  sparkline: { bucketSeconds: number; buckets: string[] };
  /** set when the store cannot tell (no events table): the page says so */
  unavailable: string | null;
  /** where the numbers come from and what the layout cannot see */
  source: SourceSummary;
};

export type ClientSeriesPoint = {
  t: string;
  requests: number;
  keys: number;
  retriesPerKey: number | null;
  conflicts: number;
  mismatches: number;
};

export type ClientEndpoint = ClientCounts & { endpoint: string };

export type ClientDetail = {
  scope: string;
  range: ClientRange;
  from: string;
  totals: ClientCounts;
  storm: ClientStorm | null;
  /** requests per key over the 7 days before the last hour; null without history */
  baselineRetriesPerKey: number | null;
  bucketSeconds: number;
  series: ClientSeriesPoint[];
  /** per endpoint over whole UTC days (endpointsFrom onwards) */
  endpointsFrom: string;
  endpoints: ClientEndpoint[];
};
