// JSON shape of GET /api/v1/overview/now (docs/api.md): the Overview's "right now" strip, what
// the shipped alerts watch, each with where to act on it.
export type RightNow = {
  /** duplicate successes whose second success fell in the last 15 minutes */
  duplicates15m: number;
  /** stuck keys now, and the oldest one's age (IdemscopeKeysStuck); null where the store cannot be read */
  stuck: { count: number; oldestSeconds: number | null } | null;
  /** open duplicate successes past IDEMSCOPE_RECONCILE_WITHIN_HOURS since their first request */
  overdue: { count: number; withinHours: number };
  generatedAt: string;
};
