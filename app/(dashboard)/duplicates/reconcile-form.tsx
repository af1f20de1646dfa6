"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { OUTCOME_LABELS } from "@/components/tables/DuplicatesTable";
import { Banner } from "@/components/ui/Banner";
import { ReasonField } from "@/components/ui/ReasonField";
import type { ReconcileOutcome, ReconcileResult } from "@/lib/client/api-types/reconciliation";
import { postReconcile } from "@/lib/client/queries/duplicates";

/**
 * Marks duplicate successes reconciled (outcome, reason, external reference), for the Duplicates
 * page's selection and a key page's one duplicate; every query that shows them refreshes.
 */
export function ReconcileForm({
  intents,
  heading,
  onReconciled,
}: {
  intents: string[];
  heading: string;
  onReconciled?: (r: ReconcileResult) => void;
}) {
  const [outcome, setOutcome] = useState<ReconcileOutcome>("refunded");
  const [reason, setReason] = useState("");
  const [externalRef, setExternalRef] = useState("");
  const queryClient = useQueryClient();
  const reconcile = useMutation({
    mutationFn: () =>
      postReconcile({ intents, outcome, reason, externalRef: externalRef.trim() || undefined }),
    onSuccess: (r) => {
      setReason("");
      setExternalRef("");
      onReconciled?.(r);
      for (const queryKey of [["duplicates"], ["trends"], ["lifecycle"]])
        void queryClient.invalidateQueries({ queryKey });
    },
  });
  return (
    <section className="card" aria-label="Mark reconciled">
      <h2>{heading}</h2>
      {reconcile.isSuccess ? (
        <Banner tone="info" title={`${reconcile.data.reconciled.length} marked reconciled.`}>
          {reconcile.data.alreadyReconciled.length
            ? `${reconcile.data.alreadyReconciled.length} had been reconciled by someone else meanwhile and were left as they were.`
            : "Recorded in the audit log."}
        </Banner>
      ) : null}
      {reconcile.isError ? (
        <Banner tone="bad" title="Nothing was marked.">
          {reconcile.error.message}
        </Banner>
      ) : null}
      <div className="form-row">
        <label>
          Outcome{" "}
          <select value={outcome} onChange={(e) => setOutcome(e.target.value as ReconcileOutcome)}>
            {Object.entries(OUTCOME_LABELS).map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          External reference (refund id, ticket){" "}
          <input
            value={externalRef}
            maxLength={200}
            onChange={(e) => setExternalRef(e.target.value)}
            placeholder="re_3Nx…, INC-2291"
          />
        </label>
      </div>
      <ReasonField
        value={reason}
        onChange={setReason}
        example="refunded the second charge (re_3Nx…); the customer was told"
      />
      <button
        type="button"
        disabled={intents.length === 0 || !reason.trim() || reconcile.isPending}
        onClick={() => reconcile.mutate()}
      >
        Mark {intents.length} reconciled
      </button>
    </section>
  );
}
