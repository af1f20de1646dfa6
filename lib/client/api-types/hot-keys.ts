// GET /api/v1/overview/hot-keys (docs/api.md): the intents with the most requests in a range.
import type { Range } from "../range";

export type HotKey = {
  scope: string;
  endpoint: string;
  key: string;
  /** requests (claims, reclaims, replays, conflicts, mismatches) in the range */
  requests: number;
};

export type HotKeys = {
  range: Range;
  /** the range asked for, read up to what hour rows keep (7 days) */
  coveredRange: Range;
  /** the first minute or hour counted */
  from: string;
  resolution: "minute" | "hour";
  /** when the collector ranked these (ranges read from hour rows); null: summed for this answer */
  asOf: string | null;
  /** an intent is tracked once it has this many requests: fewer are not listed */
  threshold: number;
  /** request kinds the connected layout cannot see, with the reason: they are not in the counts */
  notCounted: Partial<Record<"replays" | "conflicts" | "mismatches", string>>;
  keys: HotKey[];
};
