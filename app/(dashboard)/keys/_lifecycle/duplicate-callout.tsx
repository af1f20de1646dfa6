"use client";

import { AppLink as Link } from "@/components/ui/AppLink";
import { OUTCOME_LABELS } from "@/components/tables/DuplicatesTable";
import type { DuplicateExplanation } from "@/lib/client/api-types/keys";
import type { DuplicateSuccess } from "@/lib/client/api-types/reconciliation";
import type { ViewerInfo } from "@/lib/client/api-types/viewer";
import { ReconcileForm } from "../../duplicates/reconcile-form";
import { Instant } from "@/components/ui/TimeZone";

/**
 * Why this intent succeeded more than once, and whether someone has reconciled it (refunded the
 * second charge): an operator marks it here, as on the Duplicates page.
 */
export function DuplicateCallout({
  explanation,
  record,
  viewer,
}: {
  explanation: DuplicateExplanation;
  /** null until the collector has folded the second success */
  record: DuplicateSuccess | null;
  viewer: ViewerInfo;
}) {
  const r = record?.reconciliation;
  return (
    <>
      <section className="duplicate-callout" role="alert" aria-label="Duplicate success">
        <h2>
          Duplicate success: this request&apos;s effect happened {explanation.successes.length}{" "}
          times
        </h2>
        <p data-testid="duplicate-explanation">{explanation.summary}</p>
        <p data-testid="duplicate-reconciliation">
          {!record ? (
            "Not in the duplicates list yet: the collector has not folded the second success."
          ) : r ? (
            <>
              <strong>Reconciled: {OUTCOME_LABELS[r.outcome]}</strong> by {r.actor} on{" "}
              <Instant iso={r.at} />
              {r.externalRef ? ` (${r.externalRef})` : ""}: {r.reason}
            </>
          ) : (
            <>
              <strong>Open:</strong> nobody has reconciled it yet (refund the second charge, void
              the second order, or accept it). <Link href="/duplicates">All open duplicates →</Link>
            </>
          )}
        </p>
      </section>
      {record && !r ? (
        viewer.canWrite ? (
          <ReconcileForm intents={[record.intent]} heading="Mark this duplicate reconciled" />
        ) : (
          <p className="muted">Marking it reconciled needs the operator role: {viewer.reason}</p>
        )
      ) : null}
    </>
  );
}
