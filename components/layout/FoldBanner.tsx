"use client";

import type { FoldStatus } from "@/lib/client/api-types/fold";
import { useFoldStatus } from "@/components/ui/use-fold-status";
import { formatAge, formatCount } from "@/lib/client/format";
import { useTimeFormat } from "@/components/ui/TimeZone";

/**
 * On every page while the collector folds the store's history (docs/performance.md,
 * "Connecting to a large store"): how far it is, how long it has left, from when the numbers are
 * complete, and why it waits when the store is under pressure. Nothing once it is done.
 */
export function FoldBanner() {
  const status = useFoldStatus();
  return status ? <FoldStatusView status={status} /> : null;
}

export function FoldStatusView({ status }: { status: FoldStatus }) {
  const formatDateTime = useTimeFormat().instant;
  const h = status.history;
  const folding = h !== null && h.finishedAt === null;
  if (!folding && !status.paused) return null;
  const share = h && h.total > 0 ? Math.min(1, h.done / h.total) : 0;
  return (
    <section
      className={`fold-banner ${status.paused ? "banner-warn" : "banner-info"}`}
      role="status"
      aria-label="History fold"
      data-testid="fold-banner"
    >
      {folding && h ? (
        <>
          <div className="fold-line">
            <strong>
              {h.unit === "rows"
                ? "Importing the rows the table held before capture, newest first:"
                : "Folding this store\u2019s history, newest first:"}
            </strong>{" "}
            {formatCount(h.done)} of {formatCount(h.total)} {h.unit} ({Math.floor(share * 100)} %)
            {h.etaSeconds !== null && !status.paused
              ? ` · about ${formatAge(h.etaSeconds)} left`
              : ""}
          </div>
          <progress max={h.total} value={h.done} aria-label="History folded" />
          {status.limited ? (
            <div className="fold-line" data-testid="fold-limit">
              Going {status.limited}.
            </div>
          ) : null}
          <div className="fold-line">
            {h.completeFrom
              ? `Numbers from ${formatDateTime(h.completeFrom)} on are complete; earlier ranges are incomplete. `
              : "No range is complete yet. "}
            {h.unit === "rows"
              ? "Duplicate successes are provisional until the import ends: a key completed before capture may succeed again after it."
              : "Duplicate successes, keys per client and retry delays are provisional until the fold ends."}
          </div>
        </>
      ) : null}
      {status.paused ? (
        <div className="fold-line">
          <strong>The collector waits for the store:</strong> {status.paused.reason} (since{" "}
          {formatDateTime(status.paused.since)}).
        </div>
      ) : null}
    </section>
  );
}
