"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { DuplicatesTable } from "@/components/tables/DuplicatesTable";
import { PanelPending } from "@/components/ui/PanelPending";
import { SegmentedChoice } from "@/components/ui/SegmentedChoice";
import { StatTile } from "@/components/ui/StatTile";
import { useClock } from "@/components/ui/use-clock";
import type { ViewerInfo } from "@/lib/client/api-types/viewer";
import {
  DEFAULT_DUPLICATES_VIEW,
  duplicatesQuery,
  matchingIntents,
  type DuplicatesView,
} from "@/lib/client/queries/duplicates";
import { RECONCILE_CAP, type DuplicateOrder } from "@/lib/client/api-types/reconciliation";
import { formatAge, formatCount } from "@/lib/client/format";
import { ReconcileForm } from "./reconcile-form";

const STATUSES = [
  { value: "open", label: "Open" },
  { value: "reconciled", label: "Reconciled" },
  { value: "all", label: "All" },
] as const;

/** Duplicate successes to reconcile (metric M5): open ones first, marked by operators. */
export function DuplicatesClient({ viewer }: { viewer: ViewerInfo }) {
  const [view, setView] = useState<DuplicatesView>(DEFAULT_DUPLICATES_VIEW);
  // the cursors of the pages before this one (keyset paging goes forward; back is a stack)
  const [previous, setPrevious] = useState<(string | undefined)[]>([]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const now = useClock();
  const query = useQuery({
    ...duplicatesQuery(view),
    refetchInterval: 15_000,
    placeholderData: keepPreviousData,
  });
  const status = view.status;
  /** a new view of the list: from its first page, nothing selected */
  const show = (next: Partial<DuplicatesView>) => {
    setView((v) => ({ ...v, ...next, cursor: undefined }));
    setPrevious([]);
    setSelected(new Set());
  };
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
            onChange={(v) => show({ status: v })}
          />
          <label className="inline-field">
            <span>Order</span>
            <select
              value={view.order}
              onChange={(e) => show({ order: e.target.value as DuplicateOrder })}
              aria-label="Order of the list"
            >
              <option value="oldest">oldest first (most overdue)</option>
              <option value="newest">newest first</option>
              <option value="amount">largest amount first</option>
            </select>
          </label>
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
      <form
        className="filters card"
        aria-label="Filter duplicates"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          const text = (name: string) => String(form.get(name) ?? "").trim() || undefined;
          show({ client: text("client"), endpoint: text("endpoint") });
        }}
      >
        <label>
          Client
          <input name="client" defaultValue={view.client} placeholder="any" maxLength={255} />
        </label>
        <label>
          Endpoint
          <input
            name="endpoint"
            defaultValue={view.endpoint}
            placeholder="any endpoint"
            maxLength={255}
          />
        </label>
        <button type="submit">Apply</button>
      </form>
      {viewer.canWrite && list && status !== "reconciled" ? (
        <div className="selection-bar" data-testid="selection-bar">
          <span>
            {formatCount(selected.size)} selected of {formatCount(list.matching)} matching
          </span>
          <button
            type="button"
            disabled={list.matching === 0 || list.matching > RECONCILE_CAP}
            title={
              list.matching > RECONCILE_CAP
                ? `one reconciliation marks at most ${RECONCILE_CAP}: narrow the filter`
                : undefined
            }
            onClick={async () => setSelected(new Set(await matchingIntents(view, RECONCILE_CAP)))}
          >
            Select all {formatCount(list.matching)} matching
          </button>
          {selected.size > 0 ? (
            <button type="button" onClick={() => setSelected(new Set())}>
              Clear
            </button>
          ) : null}
        </div>
      ) : null}
      {viewer.canWrite ? (
        <ReconcileForm
          intents={[...selected]}
          heading={`Mark ${selected.size} selected reconciled`}
          onReconciled={() => setSelected(new Set())}
        />
      ) : null}
      <section className="card">
        {!list ? (
          <PanelPending error={query.error} />
        ) : list.items.length === 0 ? (
          <p className="empty-state">
            {status === "open" && !view.client && !view.endpoint
              ? "No open duplicate successes: every intent succeeded once, or was reconciled."
              : "None in this list."}
          </p>
        ) : (
          <>
            <DuplicatesTable
              rows={list.items}
              selected={selected}
              onToggle={viewer.canWrite ? toggle : undefined}
            />
            <nav className="pager" aria-label="Pages of duplicates">
              {previous.length > 0 ? (
                <button
                  type="button"
                  onClick={() => {
                    setView((v) => ({ ...v, cursor: previous.at(-1) }));
                    setPrevious((p) => p.slice(0, -1));
                  }}
                >
                  ← Previous page
                </button>
              ) : null}
              {list.nextCursor ? (
                <button
                  type="button"
                  onClick={() => {
                    setPrevious((p) => [...p, view.cursor]);
                    setView((v) => ({ ...v, cursor: list.nextCursor ?? undefined }));
                  }}
                >
                  Next page →
                </button>
              ) : null}
            </nav>
          </>
        )}
      </section>
      {viewer.canWrite ? null : (
        <p className="muted">
          Marking duplicates reconciled needs the operator role: {viewer.reason}
        </p>
      )}
    </div>
  );
}
