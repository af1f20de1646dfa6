"use client";

import { Instant } from "@/components/ui/TimeZone";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { HotKeysTable } from "@/components/tables/HotKeysTable";
import { PanelPending } from "@/components/ui/PanelPending";
import { hotKeysQuery } from "@/lib/client/queries/overview";
import type { Range } from "@/lib/client/range";
import { refetchIntervalOf, type RefreshSeconds } from "@/lib/client/refresh";

/** The Overview's hot keys for its range, polled with the page. */
export function HotKeysCard({ range, refresh }: { range: Range; refresh: RefreshSeconds }) {
  const query = useQuery({
    ...hotKeysQuery(range),
    refetchInterval: refetchIntervalOf(refresh),
    placeholderData: keepPreviousData,
  });
  const list = query.data;
  const blind = list ? Object.entries(list.notCounted) : [];
  // on a library store the counts miss what its capture cannot see: say which, as Recent errors
  const partial = blind.length ? (
    <p className="muted" data-testid="hot-keys-not-counted">
      Not counted (this store&apos;s capture cannot see them):{" "}
      {blind.map(([kind, why], i) => (
        <span key={kind} title={why}>
          {i ? ", " : ""}
          {kind}
        </span>
      ))}
      .
    </p>
  ) : null;
  return (
    <section className="card" aria-label="Hot keys">
      <div className="card-header">
        <h2>Hot keys</h2>
        {list ? (
          <span className="muted">
            most requests per key, over {list.coveredRange}
            {list.coveredRange !== list.range ? " (hot keys are kept a week)" : ""}
          </span>
        ) : null}
      </div>
      {!list ? (
        <PanelPending error={query.error} />
      ) : list.keys.length === 0 ? (
        <>
          <p className="empty-state">
            No key had {list.threshold} requests or more: no client is hammering one key.
          </p>
          {partial}
        </>
      ) : (
        <>
          <HotKeysTable rows={list.keys} />
          <p className="muted">
            Keys with at least {list.threshold} requests; counted by the{" "}
            {list.resolution === "minute" ? "minute" : "hour"} from{" "}
            <Instant iso={list.from} noSeconds />.
          </p>
          {partial}
        </>
      )}
    </section>
  );
}
