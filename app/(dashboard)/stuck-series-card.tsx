"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { StuckKeysChart } from "@/components/charts/StuckKeysChart";
import { Banner } from "@/components/ui/Banner";
import { PanelPending } from "@/components/ui/PanelPending";
import { PanelSkeleton } from "@/components/ui/PageSkeleton";
import { stuckSeriesQuery } from "@/lib/client/queries/overview";
import type { Range } from "@/lib/client/range";
import { refetchIntervalOf, type RefreshSeconds } from "@/lib/client/refresh";

const HEADER = (
  <div className="card-header">
    <h2>Stuck keys over time</h2>
    <span className="muted">highest count sampled (every 15 s) in each bucket</span>
  </div>
);

/** The card's shape while its section streams in. */
export function StuckSeriesCardSkeleton() {
  return (
    <section className="card" aria-busy="true">
      {HEADER}
      <PanelSkeleton label="Stuck keys over time: loading" />
    </section>
  );
}

/** The stuck-keys chart of the Overview, polled apart from the numbers. */
export function StuckSeriesCard({ range, refresh }: { range: Range; refresh: RefreshSeconds }) {
  const query = useQuery({
    ...stuckSeriesQuery(range),
    refetchInterval: refetchIntervalOf(refresh),
    placeholderData: keepPreviousData,
  });
  const panel = query.data;
  return (
    <section className="card">
      {HEADER}
      {!panel ? (
        <PanelPending error={query.error} />
      ) : panel.notCaptured ? (
        <p className="empty-state" data-testid="stuck-series-not-captured">
          {panel.notCaptured.charAt(0).toUpperCase()}
          {panel.notCaptured.slice(1)}.
        </p>
      ) : panel.stuckSeries === null ? (
        <Banner tone="warn" title="This panel could not be loaded.">
          {panel.unavailable} The rest of the page is current; this chart is retried with the next
          refresh.
        </Banner>
      ) : panel.stuckSeries.every((p) => p.stuck === null) ? (
        <p className="empty-state">
          No samples in this range yet: the collector samples the stuck-key count every 15 s while
          it runs.
        </p>
      ) : (
        <StuckKeysChart data={panel.stuckSeries} bucketSeconds={panel.bucketSeconds} />
      )}
    </section>
  );
}
