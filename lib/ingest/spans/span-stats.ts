// Span capture's per-process counts for /api/metrics (like the pool checkouts: each replica
// reports what it received) and the sampling ratio the spans themselves state, shown beside the
// numbers they feed (sampled spans undercount).
const slot = globalThis as unknown as {
  idemscopeSpanStats?: { counts: Record<SpanOutcome, number>; statedRatio: number | null };
};

/**
 * recorded: an event; duplicate: seen before; row_capture: counted from the rows; no_key: ignored;
 * throttled: told to retry; rejected: invalid (ids, times), refused alone; endpoint_capped: its
 * endpoint became "METHOD (other)"
 */
export type SpanOutcome =
  | "recorded"
  | "duplicate"
  | "row_capture"
  | "no_key"
  | "throttled"
  | "rejected"
  | "endpoint_capped";

const stats = (slot.idemscopeSpanStats ??= {
  counts: {
    recorded: 0,
    duplicate: 0,
    row_capture: 0,
    no_key: 0,
    throttled: 0,
    rejected: 0,
    endpoint_capped: 0,
  },
  statedRatio: null,
});

export function countSpans(outcome: SpanOutcome, n: number): void {
  stats.counts[outcome] += n;
}

export function spanCounts(): Readonly<Record<SpanOutcome, number>> {
  return stats.counts;
}

export function noteSamplingRatio(ratio: number): void {
  stats.statedRatio = ratio;
}

/** The ratio the latest span stated in its tracestate (OpenTelemetry's th), if any did. */
export function statedSamplingRatio(): number | null {
  return stats.statedRatio;
}
