// Time ranges of the time-series pages (docs/api.md): the URL values, their spans and bucket sizes.
import { z } from "zod";

export const RANGES = ["15m", "1h", "6h", "24h", "7d", "30d", "90d"] as const;
export type Range = (typeof RANGES)[number];

export const rangeSchema = z.enum(RANGES, {
  error: () => `must be one of ${RANGES.join(", ")}`,
});

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

export const RANGE_SECONDS: Record<Range, number> = {
  "15m": 15 * MINUTE,
  "1h": HOUR,
  "6h": 6 * HOUR,
  "24h": DAY,
  "7d": 7 * DAY,
  "30d": 30 * DAY,
  "90d": 90 * DAY,
};

/** Rollup resolution each range reads: the coarsest that still fills its chart buckets. */
export const RANGE_RESOLUTION: Record<Range, "minute" | "hour" | "day"> = {
  "15m": "minute",
  "1h": "minute",
  "6h": "minute",
  "24h": "hour",
  "7d": "hour",
  "30d": "day",
  "90d": "day",
};

export const RESOLUTION_SECONDS = { minute: MINUTE, hour: HOUR, day: DAY } as const;

/** Chart bucket per range: about 15–200 points whatever the span. */
export const BUCKET_SECONDS: Record<Range, number> = {
  "15m": MINUTE,
  "1h": MINUTE,
  "6h": 5 * MINUTE,
  "24h": HOUR,
  "7d": HOUR,
  "30d": DAY,
  "90d": DAY,
};

export type RangeWindow = {
  resolution: "minute" | "hour" | "day";
  from: Date;
  bucketSeconds: number;
};

/** The range as whole rollup buckets: from the first bucket starting inside it, to now. */
export function rangeWindow(range: Range, now = Date.now()): RangeWindow {
  const resolution = RANGE_RESOLUTION[range];
  const step = RESOLUTION_SECONDS[resolution] * 1000;
  const from = new Date(Math.ceil((now - RANGE_SECONDS[range] * 1000) / step) * step);
  return { resolution, from, bucketSeconds: BUCKET_SECONDS[range] };
}

export const RANGE_LABELS: Record<Range, string> = {
  "15m": "Last 15 minutes",
  "1h": "Last hour",
  "6h": "Last 6 hours",
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  "90d": "Last 90 days",
};

/** Lenient parse for page URLs: an unknown value falls back to the default. */
export function rangeFromSearchParam(value: unknown, fallback: Range = "15m"): Range {
  const parsed = rangeSchema.safeParse(value);
  return parsed.success ? parsed.data : fallback;
}
