// GET /api/v1/overview/errors (docs/api.md): the newest conflicts, mismatches, failures and
// reclaims, as the collector keeps them.
import type { SourceSummary } from "./source";

export type RecentErrorKind = "conflict" | "mismatch" | "failed" | "reclaimed";

export type RecentError = {
  /** the event's id in the events table */
  id: string;
  at: string;
  kind: RecentErrorKind;
  endpoint: string;
  /** the client (the key's scope) */
  scope: string;
  key: string;
  responseCode: number | null;
  traceId: string | null;
  /** IDEMSCOPE_TRACE_URL filled with the trace id; null without either */
  traceUrl: string | null;
};

export type RecentErrors = {
  kind: RecentErrorKind | "all";
  errors: RecentError[];
  /** how many of each kind the collector keeps: older ones are on the key pages only */
  keptPerKind: number;
  /** kinds the connected layout cannot see, with the reason (source.notCaptured) */
  notCaptured: Partial<Record<RecentErrorKind, string>>;
  source: Pick<SourceSummary, "preset" | "capture">;
};
