// Repeated timing with percentiles, for the benchmark.
export type Timing = { p50: number; p95: number; runs: number };

export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}

/** p50 and p95 of a sample (milliseconds, or any unit): sorted in place. */
export function timingOf(ms: number[]): Timing {
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 0.5), p95: percentile(ms, 0.95), runs: ms.length };
}

export async function timeRuns(
  runs: number,
  fn: () => Promise<unknown>,
  warmup = 2,
): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    ms.push(performance.now() - start);
  }
  return timingOf(ms);
}
