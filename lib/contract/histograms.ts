// Fixed histogram bounds shared by the collector (SQL width_bucket) and the readers
// (percentiles). Changing them needs a rebuild of the rollups.

/** Upper bounds in milliseconds: bucket i holds values in [bound[i-1], bound[i]). */
export const LATENCY_BOUNDS_MS = [
  0.5, 1, 1.5, 2, 3, 4, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500,
  2000, 3000, 5000, 10000, 30000,
];

/** Retry delays in seconds, from "at once" to "a month later". */
export const RETRY_DELAY_BOUNDS_S = [
  1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 43200, 86400, 172800, 604800, 2592000,
];

/**
 * A percentile from bucket counts (index = SQL width_bucket over `bounds`: 0 below the first
 * bound, bounds.length above the last), interpolated linearly inside the bucket.
 */
export function percentileFromHistogram(
  counts: Map<number, number>,
  bounds: number[],
  q: number,
): number | null {
  let total = 0;
  for (const c of counts.values()) total += c;
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i <= bounds.length; i++) {
    const c = counts.get(i) ?? 0;
    if (c === 0) continue;
    if (seen + c >= rank) {
      const lo = i === 0 ? 0 : (bounds[i - 1] as number);
      const hi = i === bounds.length ? lo : (bounds[i] as number);
      return lo + (hi - lo) * Math.min(1, Math.max(0, (rank - seen) / c));
    }
    seen += c;
  }
  return bounds[bounds.length - 1] ?? null;
}
