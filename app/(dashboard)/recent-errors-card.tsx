"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { RecentErrorsTable } from "@/components/tables/RecentErrorsTable";
import { PanelPending } from "@/components/ui/PanelPending";
import { SegmentedChoice } from "@/components/ui/SegmentedChoice";
import { useClock } from "@/components/ui/use-clock";
import type { RecentErrorKind } from "@/lib/client/api-types/recent-errors";
import { recentErrorsQuery } from "@/lib/client/queries/overview";
import { refetchIntervalOf, type RefreshSeconds } from "@/lib/client/refresh";

const KINDS = [
  { value: "all", label: "All" },
  { value: "conflict", label: "Conflicts" },
  { value: "mismatch", label: "Mismatches" },
  { value: "failed", label: "Failures" },
  { value: "reclaimed", label: "Reclaims" },
] as const;

/** The Overview's newest conflicts, mismatches, failures and reclaims, polled with the page. */
export function RecentErrorsCard({ refresh }: { refresh: RefreshSeconds }) {
  const [kind, setKind] = useState<RecentErrorKind | "all">("all");
  const now = useClock();
  const query = useQuery({
    ...recentErrorsQuery(kind),
    refetchInterval: refetchIntervalOf(refresh),
    placeholderData: keepPreviousData,
  });
  const list = query.data;
  const blind = kind === "all" ? undefined : list?.notCaptured[kind];
  const hidden = list ? Object.entries(list.notCaptured) : [];
  return (
    <section className="card" aria-label="Recent errors">
      <div className="card-header">
        <h2>Recent errors</h2>
        <SegmentedChoice
          legend="Kind of error"
          name="recent-error-kind"
          options={KINDS}
          value={kind}
          onChange={setKind}
        />
      </div>
      {!list ? (
        <PanelPending error={query.error} />
      ) : blind ? (
        <p className="empty-state">Not captured: {blind}.</p>
      ) : list.errors.length === 0 ? (
        <p className="empty-state">
          No {kind === "all" ? "errors" : KINDS.find((k) => k.value === kind)?.label.toLowerCase()}{" "}
          recorded: nothing was refused, rejected, failed or taken over.
        </p>
      ) : (
        <>
          <RecentErrorsTable rows={list.errors} now={now} />
          <p className="muted">
            The newest {list.keptPerKind} of each kind are kept; older ones are on their key pages.
            {kind === "all" && hidden.length
              ? ` Not captured by this store: ${hidden.map(([k]) => `${k}s`).join(", ")}.`
              : ""}
          </p>
        </>
      )}
    </section>
  );
}
