// Reconciliation (metric M5): a duplicate success someone has dealt with (refunded the second
// charge, voided the second order…). Kept apart from duplicate_intents so that the record
// outlives the collector's rows, audited like every change (docs/operations.md, "Reconciling").
import type { TableNames } from "../tables";

export const RECONCILE_OUTCOMES = ["refunded", "voided", "accepted", "false_positive"] as const;

export function reconciliationStatements(t: TableNames): string[] {
  const r = t.ownTable("reconciliations");
  const audit = t.ownTable("audit_log");
  return [
    `CREATE TABLE ${r} (
      intent       uuid PRIMARY KEY,
      scope        text NOT NULL,
      endpoint     text NOT NULL,
      key          text NOT NULL,
      outcome      text NOT NULL CHECK (outcome IN (${RECONCILE_OUTCOMES.map((o) => `'${o}'`).join(", ")})),
      reason       text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
      external_ref text CHECK (char_length(external_ref) <= 200),
      actor        text NOT NULL,
      at           timestamptz NOT NULL DEFAULT now(),
      audit_id     bigint NOT NULL
    )`,
    `CREATE INDEX reconciliations_at_idx ON ${r} (at)`,
    `ALTER TABLE ${audit} DROP CONSTRAINT audit_log_action_check`,
    `ALTER TABLE ${audit} ADD CONSTRAINT audit_log_action_check
       CHECK (action IN ('release', 'fail', 'reveal', 'reconcile'))`,
  ];
}
