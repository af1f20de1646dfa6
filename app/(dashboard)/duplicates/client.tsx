"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { DuplicatesTable } from "@/components/tables/DuplicatesTable";
import { PanelPending } from "@/components/ui/PanelPending";
import { SegmentedChoice } from "@/components/ui/SegmentedChoice";
import { StatTile } from "@/components/ui/StatTile";
import { useClock } from "@/components/ui/use-clock";
import type { DuplicateList } from "@/lib/client/api-types/reconciliation";
import type { ViewerInfo } from "@/lib/client/api-types/viewer";
import { duplicatesQuery } from "@/lib/client/queries/duplicates";
import { formatAge, formatCount } from "@/lib/client/format";
import { ReconcileForm } from "./reconcile-form";

const STATUSES = [
  { value: "open", label: "Open" },
  { value: "reconciled", label: "Reconciled" },
  { value: "all", label: "All" },
] as const;

/** Duplicate successes to reconcile (metric M5): open ones first, marked by operators. */
export function DuplicatesClient({ viewer }: { viewer: ViewerInfo }) {
  const [status, setStatus] = useState<DuplicateList["status"]>("open");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const now = useClock();
  const query = useQuery({ ...duplicatesQuery(status), refetchInterval: 15_000 });
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
            testId="tile-overdue"
            label="Overdue"
            value={formatCount(list.open.overdue)}
            tone={list.open.overdue ? "bad" : "ok"}
            detail={`open longer than ${list.open.withinHours} h since the first request (the alert's threshold)`}
          />
          <StatTile
            testId="tile-oldest-open"
            label="Oldest open"
            value={oldest && now ? formatAge((now - Date.parse(oldest)) / 1000) : "–"}
            tone={
              oldest && now && now - Date.parse(oldest) > list.open.withinHours * 3_600_000
                ? "bad"
                : "neutral"
            }
            detail="since its first request"
          />
        </div>
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
        <ReconcileForm
          intents={[...selected]}
          heading={`Mark ${selected.size} selected reconciled`}
          onReconciled={() => setSelected(new Set())}
        />
      ) : (
        <p className="muted">
          Marking duplicates reconciled needs the operator role: {viewer.reason}
        </p>
      )}
    </div>
  );
}
