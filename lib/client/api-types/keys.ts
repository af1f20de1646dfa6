// JSON shapes of key search and the key lifecycle (docs/api.md).
import type { DuplicateSuccess } from "./reconciliation";
import type { AuditEntry } from "./actions";

export const KEY_STATUSES = ["in_progress", "completed", "failed", "purged"] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

/** One intent (scope, endpoint, key): its live row, or what its events say once purged. */
export type KeySearchItem = {
  /** null once the row was purged */
  id: string | null;
  scope: string;
  endpoint: string;
  key: string;
  status: KeyStatus;
  /** created_at of the row, or the first event of a purged intent */
  firstSeenAt: string;
  lastSeenAt: string;
  expiresAt: string | null;
  /** requests seen (the row's attempts, or request events of a purged intent) */
  attempts: number;
};

export type KeySearchPage = {
  items: KeySearchItem[];
  nextCursor: string | null;
  /**
   * why this search reads the whole of a library's table (no index of it serves it), and how to
   * add one; null when an index serves it (docs/presets.md, "Key search on a library's table")
   */
  slow: string | null;
};

export type LifecycleEvent = {
  id: string;
  at: string;
  kind: string;
  keyId: string | null;
  /** keyed fingerprint of the request (equal requests, equal fingerprints; not a plain hash) */
  requestHash: string | null;
  responseCode: number | null;
  latencyMs: number | null;
  instance: string | null;
  traceId: string | null;
  traceUrl: string | null;
};

export type LifecycleKey = {
  id: string;
  scope: string;
  endpoint: string;
  key: string;
  status: "in_progress" | "completed" | "failed";
  /** keyed fingerprint of the request */
  requestHash: string;
  recoveryPoint: string | null;
  lockedAt: string | null;
  lockOwner: string | null;
  responseCode: number | null;
  /**
   * the stored body is never sent unrevealed: only its size rounded up to 64 bytes and a keyed
   * fingerprint, neither of which lets a viewer confirm a guessed body
   */
  response: { approxBytes: number; fingerprint: string } | null;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  expiresAt: string;
  ttlLeftSeconds: number;
  lockTimeoutSeconds: number;
  ageSeconds: number;
  stuck: boolean;
};

export type DuplicateExplanation = {
  /** expiry_or_race: spans alone cannot tell a record the store dropped from a racing writer */
  cause: "reclaim" | "release" | "expiry" | "race" | "expiry_or_race";
  /** one or two sentences, for the page */
  summary: string;
  successes: { at: string; instance: string | null; responseCode: number | null }[];
};

export type KeyLifecycle = {
  intent: { scope: string; endpoint: string; key: string };
  /** the live row; null when purged (the story then comes from events alone) */
  key: LifecycleKey | null;
  events: LifecycleEvent[];
  eventsTruncated: boolean;
  audit: AuditEntry[];
  duplicate: DuplicateExplanation | null;
  /** the collector's record of the duplicate success, open or reconciled (null: none folded yet) */
  duplicateRecord: DuplicateSuccess | null;
  traceUrlConfigured: boolean;
  /** a library's table: when capture began (the timeline starts there); null for the contract */
  capturedSince: string | null;
  /**
   * why the key's state in the store cannot be shown (spans only: no row to read), else null;
   * its status is then its last recorded outcome
   */
  storeNotRead: string | null;
  /** spans only: the outcome of the newest execution, which stands for the key's status */
  lastOutcome: "completed" | "failed" | "in_progress" | null;
  /** set when the rows held before capture were imported (their first request and outcome) */
  importedBefore: string | null;
};

/** An intent that succeeded more than once, from the collector's per-intent memory. */
export type RecentDuplicate = {
  scope: string;
  endpoint: string;
  key: string;
  successes: number;
  firstRequestAt: string;
};
