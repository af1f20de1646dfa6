// /api/v1/duplicates (docs/api.md): duplicate successes, open or reconciled, and reconciling them.

export type ReconcileOutcome = "refunded" | "voided" | "accepted" | "false_positive";

export type Reconciliation = {
  outcome: ReconcileOutcome;
  reason: string;
  externalRef: string | null;
  actor: string;
  at: string;
  auditId: string;
};

export type DuplicateSuccess = {
  /** the intent's id (a hash of client, endpoint and key): what POST …/reconcile takes */
  intent: string;
  scope: string;
  endpoint: string;
  key: string;
  successes: number;
  /** what the extra success moved (IDEMSCOPE_AMOUNT_PATHS), in major units; null: not priced */
  amount: { value: number; currency: string } | null;
  firstRequestAt: string;
  /** null: open */
  reconciliation: Reconciliation | null;
};

export type DuplicateOrder = "oldest" | "newest" | "amount";

export type DuplicateList = {
  status: "open" | "reconciled" | "all";
  order: DuplicateOrder;
  items: DuplicateSuccess[];
  /** how many match the status and filters, on every page */
  matching: number;
  /** the next page (keyset); null: this is the last */
  nextCursor: string | null;
  /** `overdue`: open longer than IDEMSCOPE_RECONCILE_WITHIN_HOURS since the first request (as in /api/metrics) */
  open: {
    count: number;
    oldestFirstRequestAt: string | null;
    overdue: number;
    withinHours: number;
  };
};

export type ReconcileResult = {
  reconciled: string[];
  /** already reconciled by someone: left as they were */
  alreadyReconciled: string[];
  /** not a known duplicate success */
  unknown: string[];
};

export type ReconciliationMonth = { month: string; reconciliations: number };

/** Intents one reconciliation may mark at once (POST /api/v1/duplicates/reconcile). */
export const RECONCILE_CAP = 500;
