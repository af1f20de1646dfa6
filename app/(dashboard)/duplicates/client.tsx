"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { DuplicatesTable, OUTCOME_LABELS } from "@/components/tables/DuplicatesTable";
import { Banner } from "@/components/ui/Banner";
import { PanelPending } from "@/components/ui/PanelPending";
import { ReasonField } from "@/components/ui/ReasonField";
import { SegmentedChoice } from "@/components/ui/SegmentedChoice";
import { StatTile } from "@/components/ui/StatTile";
import { useClock } from "@/components/ui/use-clock";
import type { DuplicateList, ReconcileOutcome } from "@/lib/api-types/reconciliation";
import type { ViewerInfo } from "@/lib/api-types/viewer";
import { duplicatesQuery, postReconcile } from "@/lib/client-queries/duplicates";
import { formatAge, formatCount } from "@/lib/format";

const STATUSES = [
  { value: "open", label: "Open" },
  { value: "reconciled", label: "Reconciled" },
  { value: "all", label: "All" },
] as const;

/** Duplicate successes to reconcile (metric M5): open ones first, marked by operators. */
export function DuplicatesClient({ viewer }: { viewer: ViewerInfo }) {
  const [status, setStatus] = useState<DuplicateList["status"]>("open");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [outcome, setOutcome] = useState<ReconcileOutcome>("refunded");
  const [reason, setReason] = useState("");
  const [externalRef, setExternalRef] = useState("");
  const now = useClock();
  const queryClient = useQueryClient();
  const query = useQuery({ ...duplicatesQuery(status), refetchInterval: 15_000 });
  const reconcile = useMutation({
    mutationFn: () =>
      postReconcile({
        intents: [...selected],
        outcome,
        reason,
        externalRef: externalRef.trim() || undefined,
      }),
    onSuccess: () => {
      setSelected(new Set());
      setReason("");
      setExternalRef("");
      void queryClient.invalidateQueries({ queryKey: ["duplicates"] });
      void queryClient.invalidateQueries({ queryKey: ["trends"] });
    },
  });
  const list = query.data;
  const toggle = (intent: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(intent)) next.add(intent);
      return next;
    });
  const oldest = list?.open.oldestFirstRequestAt;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Duplicate successes</h1>
          <p className="muted">
            intents that succeeded more than once: a second charge, a second order. Reconcile each
            (refund, void, accept) and mark it here; every mark is audited.
          </p>
        </div>
        <div className="toolbar">
          <SegmentedChoice
            legend="Which duplicates"
            name="duplicate-status"
            options={STATUSES}
            value={status}
            onChange={(v) => {
              setStatus(v);
              setSelected(new Set());
            }}
          />
        </div>
      </header>
      {list ? (
        <div className="tiles">
          <StatTile
            testId="tile-open-duplicates"
            label="Open duplicates"
            value={formatCount(list.open.count)}
            tone={list.open.count ? "warn" : "ok"}
            detail="succeeded twice, not reconciled yet"
          />
          <StatTile
            testId="tile-oldest-open"
            label="Oldest open"
            value={oldest && now ? formatAge((now - Date.parse(oldest)) / 1000) : "–"}
            tone="neutral"
            detail="since its first request"
          />
        </div>
      ) : null}
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
      <section className="card">
        {!list ? (
          <PanelPending error={query.error} />
        ) : list.items.length === 0 ? (
          <p className="empty-state">
            {status === "open"
              ? "No open duplicate successes: every intent succeeded once, or was reconciled."
              : "None in this list."}
          </p>
        ) : (
          <DuplicatesTable
            rows={list.items}
            selected={selected}
            onToggle={viewer.canWrite ? toggle : undefined}
          />
        )}
      </section>
      {viewer.canWrite ? (
        <section className="card" aria-label="Mark reconciled">
          <h2>Mark {selected.size} selected reconciled</h2>
          <div className="form-row">
            <label>
              Outcome{" "}
              <select
                value={outcome}
                onChange={(e) => setOutcome(e.target.value as ReconcileOutcome)}
              >
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
          <ReasonField value={reason} onChange={setReason} />
          <button
            type="button"
            disabled={selected.size === 0 || !reason.trim() || reconcile.isPending}
            onClick={() => reconcile.mutate()}
          >
            Mark {selected.size} reconciled
          </button>
        </section>
      ) : (
        <p className="muted">
          Marking duplicates reconciled needs the operator role: {viewer.reason}
        </p>
      )}
    </div>
  );
}
