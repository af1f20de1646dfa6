// JSON shapes of the release/fail actions and the audit log (docs/api.md).
export type KeyAction = "release" | "fail";

export const BULK_CAP = 1000;

/** A key's state as the actions see it, before and after. */
export type KeyState = {
  id: string;
  scope: string;
  endpoint: string;
  key: string;
  status: "in_progress" | "completed" | "failed";
  lockedAt: string | null;
  lockOwner: string | null;
  recoveryPoint: string | null;
  attempts: number;
  responseCode: number | null;
  updatedAt: string;
};

export type KeyActionResult = { key: KeyState; auditId: string };

export type BulkFilter = {
  endpoint?: string;
  scope?: string;
  lockOwner?: string;
  minAgeSeconds?: number;
};

export type BulkResult = {
  action: KeyAction;
  dryRun: boolean;
  /** stuck keys matching the filter at that moment */
  matched: number;
  /** keys changed (0 for a dry run) */
  changed: number;
  /** how many a real run would change now: min(matched, cap) */
  wouldChange: number;
  /** matched but skipped because a writer held them (real runs) */
  skippedLocked: number;
  cap: number;
  batchId: string | null;
};

export type AuditEntry = {
  id: string;
  at: string;
  actor: string;
  actorRole: string;
  authMethod: string;
  action: KeyAction | "reveal" | "reconcile";
  keyId: string | null;
  scope: string | null;
  endpoint: string | null;
  key: string | null;
  reason: string;
  before: Partial<KeyState> | null;
  after: Partial<KeyState> | null;
  batchId: string | null;
};

export type AuditPage = { items: AuditEntry[]; nextCursor: string | null };
