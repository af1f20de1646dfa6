// JSON shape of GET /api/v1/collector/fold (docs/api.md): where folding the store's history
// stands, which ranges are still incomplete, and whether the collector waits for the store.
/** How far a history fold, or the import of a library table's rows, has got. */
export type FoldProgress = {
  /** events (or rows) done so far, and how many there are (an estimate) */
  done: number;
  total: number;
  /**
   * every event at or after this time is folded (for rows: captured); null before the first
   * batch and once finished
   */
  completeFrom: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** seconds left at the rate so far; null until it is known */
  etaSeconds: number | null;
};

export type FoldStatus = {
  /**
   * null when there is no history to fold (a store connected while empty); `unit`: the store's
   * events, or (a library's table) the rows it held before capture, imported (docs/capture.md)
   */
  history: (FoldProgress & { unit: "events" | "rows" }) | null;
  /** numbers that depend on history not folded yet (duplicate successes, keys) may still change */
  provisional: boolean;
  /**
   * when the collector rebuilt the indexes the finished history fold filled (REINDEX
   * CONCURRENTLY, docs/operations.md); null before, while it runs, or when turned off
   */
  indexesRebuiltAt: string | null;
  /**
   * when the collector last rebuilt the intent memory from the events (it is unlogged: a server
   * crash or a failover empties it); null if it never had to
   */
  memoryRebuiltAt: string | null;
  /** why the history fold goes no faster than it does (a rate limit), while it runs; null: none */
  limited: string | null;
  /** why the collector holds back (the store under pressure), with since when; null while it works */
  paused: { reason: string; since: string } | null;
};
