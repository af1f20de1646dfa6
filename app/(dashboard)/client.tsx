"use client";

import { AppLink as Link } from "@/components/ui/AppLink";
import type { ReactNode } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { StackedOutcomeChart } from "@/components/charts/StackedOutcomeChart";
import { keysFirstSeenInBucket } from "@/lib/client/queries/keys";
import { BusiestEndpointsTable } from "@/components/tables/BusiestEndpointsTable";
import { Banner } from "@/components/ui/Banner";
import { CollectorLag } from "@/components/ui/CollectorLag";
import { RangePicker } from "@/components/ui/RangePicker";
import { RefreshControl } from "@/components/ui/RefreshControl";
import { SourceNote } from "@/components/source/SourceNote";
import { captureSlotTile } from "@/components/source/captureSlotTile";
import { StatTile, type Tone } from "@/components/ui/StatTile";
import { UpdatedAgo } from "@/components/ui/UpdatedAgo";
import { Instant, useTimeFormat } from "@/components/ui/TimeZone";
import { DUPLICATE_SUCCESS_TARGET, type Overview } from "@/lib/client/api-types/overview";
import { formatCount, formatMs, formatPercent, formatRate } from "@/lib/client/format";
import { overviewQuery } from "@/lib/client/queries/overview";
import { useFoldStatus } from "@/components/ui/use-fold-status";
import type { FoldStatus } from "@/lib/client/api-types/fold";
import { RANGE_LABELS } from "@/lib/client/range";
import { refetchIntervalOf } from "@/lib/client/refresh";
import { HotKeysCard } from "./hot-keys-card";
import { RecentErrorsCard } from "./recent-errors-card";
import { RightNowStrip } from "./right-now-strip";
import type { OverviewParams } from "./search-params";

/**
 * The Overview's numbers, polled together. `stuckChart` is the stuck-keys panel, streamed and
 * polled on its own (stuck-series-section.tsx), placed where it belongs in the page.
 */
export function OverviewClient({
  range,
  refresh,
  stuckChart,
}: OverviewParams & { stuckChart: ReactNode }) {
  const query = useQuery({
    ...overviewQuery(range),
    refetchInterval: refetchIntervalOf(refresh),
    placeholderData: keepPreviousData,
  });
  const data = query.data;
  // its caveats appear once hydrated (the server renders no fold status)
  const fold = useFoldStatus();
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Overview</h1>
          <p className="muted">{RANGE_LABELS[range]} · live health of the idempotency store</p>
        </div>
        <div className="toolbar">
          {data ? <CollectorLag status={data.collector} /> : null}
          <UpdatedAgo at={query.dataUpdatedAt} />
          <RefreshControl current={refresh} />
          <RangePicker current={range} />
        </div>
      </header>
      <RightNowStrip refetchInterval={refetchIntervalOf(refresh)} />
      {query.isError && data ? (
        <Banner tone="bad" title="Data is stale: the database is not answering.">
          Showing the last good data, from{" "}
          <Instant iso={new Date(query.dataUpdatedAt).toISOString()} />. {query.error.message}{" "}
          Retrying {refresh ? `every ${refresh} s` : "when you resume auto-refresh"}.
        </Banner>
      ) : null}
      {query.isError && !data ? (
        <Banner tone="bad" title="Cannot load the overview.">
          {query.error.message} Retrying{" "}
          {refresh ? `every ${refresh} s` : "when you resume auto-refresh"}.
        </Banner>
      ) : null}
      {refresh === 0 ? (
        <Banner tone="info" title="Auto-refresh is paused.">
          Numbers stay as they were when paused.
        </Banner>
      ) : null}
      {data ? (
        <OverviewBody data={data} stuckChart={stuckChart} fold={fold} />
      ) : (
        <>
          {query.isPending ? <p className="muted">Loading…</p> : null}
          {stuckChart}
        </>
      )}
      <RecentErrorsCard refresh={refresh} />
      <HotKeysCard range={range} refresh={refresh} />
    </div>
  );
}

// Colour thresholds of the tiles: amber asks for a look, red for action.
const CONFLICT_WARN = 0.05;
const MISMATCH_WARN = 0.01;
const STUCK_BAD = 50;
const share = (part: number, whole: number) => (whole ? part / whole : 0);

const duplicateTone = (rate: number | null): Tone =>
  rate === null ? "neutral" : rate > DUPLICATE_SUCCESS_TARGET ? "bad" : "ok";
const stuckTone = (n: number): Tone => (n >= STUCK_BAD ? "bad" : n > 0 ? "warn" : "ok");

/** A tile's tone and detail; in amber with the reason when its query timed out. */
function toneAndDetail(missing: string | undefined, tone: Tone, detail: string) {
  return missing
    ? { tone: "warn" as const, detail: `Not available: ${missing}` }
    : { tone, detail };
}

/** What a tile shows where the connected layout cannot see what it counts: the reason, not a 0. */
function notCapturedText(data: Overview, why: string): string {
  return `Not captured for ${data.source.preset}: ${why}`;
}

function countTile(data: Overview, n: number | null, why: string | undefined, warnShare: number) {
  if (why || n === null)
    return { value: "—", tone: "neutral" as const, detail: notCapturedText(data, why ?? "") };
  return {
    value: formatCount(n),
    tone: share(n, data.requests) > warnShare ? ("warn" as const) : ("neutral" as const),
    detail: `${formatPercent(data.requests ? n / data.requests : null)} of requests`,
  };
}

/** What the history fold leaves unsure in this range: its start not folded yet, duplicates provisional. */
function foldCaveats(
  data: Overview,
  fold: FoldStatus | null,
  formatDateTime: (iso: string) => string,
) {
  const h = fold?.history;
  // a library's rows from before capture: they say what each key did, not how often it was asked
  const before = data.source.importedBefore;
  const importedInRange = before !== null && Date.parse(before) > Date.parse(data.from);
  const duplicatesFrom = importedInRange ? before : null;
  const imported = importedInRange
    ? ` · before ${formatDateTime(before)}: first requests and outcomes imported from the table's rows; retries, replays and duplicates were not recorded`
    : "";
  if (!h || h.finishedAt)
    return { incomplete: imported || null, provisional: false, duplicatesFrom };
  const incomplete =
    !h.completeFrom || Date.parse(h.completeFrom) > Date.parse(data.from)
      ? ` · incomplete: ${h.unit === "rows" ? "rows" : "history"} before ${h.completeFrom ? formatDateTime(h.completeFrom) : "now"} still ${h.unit === "rows" ? "importing" : "folding"}${imported}`
      : imported || null;
  return { incomplete, provisional: true, duplicatesFrom };
}

function OverviewBody({
  data,
  stuckChart,
  fold,
}: {
  data: Overview;
  stuckChart: ReactNode;
  fold: FoldStatus | null;
}) {
  const formatDateTime = useTimeFormat().instant;
  const caveat = foldCaveats(data, fold, formatDateTime);
  const dupRate = data.duplicateSuccessRate;
  const missing = data.unavailable;
  const blind = data.source.notCaptured;
  return (
    <>
      <div className="tiles">
        <StatTile
          testId="tile-requests"
          label="Requests / min"
          value={formatRate(data.requestsPerMinute)}
          detail={`${formatCount(data.requests)} requests in range${caveat.incomplete ?? ""}`}
        />
        <StatTile
          testId="tile-replay-ratio"
          label="Replay ratio"
          value={blind.replays ? "—" : formatPercent(data.replayRatio)}
          detail={
            blind.replays
              ? notCapturedText(data, blind.replays)
              : `${formatCount(data.replayed)} retries answered from the store (duplicates prevented)`
          }
        />
        <StatTile
          testId="tile-duplicate-successes"
          label="Duplicate successes"
          value={formatCount(data.duplicateSuccesses)}
          href={data.duplicateSuccesses ? "/duplicates" : undefined}
          {...toneAndDetail(
            missing.successes,
            duplicateTone(dupRate),
            `${formatPercent(dupRate)} of ${formatCount(data.succeededIntents)} succeeded intents · target < ${formatPercent(DUPLICATE_SUCCESS_TARGET)}${caveat.provisional ? " · provisional: history still folding" : ""}${caveat.duplicatesFrom ? ` · duplicates only from ${formatDateTime(caveat.duplicatesFrom)}` : ""}`,
          )}
        />
        <StatTile
          testId="tile-conflicts"
          label="Conflicts (409)"
          {...countTile(data, data.conflicts, blind.conflicts, CONFLICT_WARN)}
        />
        <StatTile
          testId="tile-mismatches"
          label="Mismatches (422)"
          {...countTile(data, data.mismatches, blind.mismatches, MISMATCH_WARN)}
        />
        <StatTile
          testId="tile-stuck"
          label="Stuck keys (now)"
          {...(blind.store
            ? // the whole reason is on /stuck and in the source note; a tile has room for its gist
              {
                value: "—",
                tone: "neutral" as const,
                detail: "Not visible without the store: spans carry requests, not a key's state",
                href: "/stuck",
              }
            : {
                value: formatCount(data.stuckKeys),
                href: data.stuckKeys ? "/stuck" : undefined,
                ...toneAndDetail(
                  missing.stuckKeys,
                  stuckTone(data.stuckKeys ?? 0),
                  "in progress past their lock timeout",
                ),
              })}
        />
        <StatTile
          testId="tile-replay-latency"
          label="Replay latency p95"
          value={formatMs(data.replayLatencyMs.p95)}
          {...toneAndDetail(
            missing.replayLatency,
            "neutral",
            blind.replays || blind.replayLatency
              ? notCapturedText(data, blind.replays ?? blind.replayLatency ?? "")
              : `p50 ${formatMs(data.replayLatencyMs.p50)} · p99 ${formatMs(data.replayLatencyMs.p99)}`,
          )}
        />
        {data.captureSlot ? (
          <StatTile
            testId="tile-capture-lag"
            label="Capture lag"
            {...captureSlotTile(data.captureSlot)}
          />
        ) : null}
      </div>
      <section className="card">
        <div className="card-header">
          <h2>Requests by outcome</h2>
          <span className="muted">a bar opens the keys first seen then</span>
        </div>
        <SourceNote source={data.source} />
        {data.requests === 0 ? (
          <p className="empty-state">No requests in this range: nothing reached the store.</p>
        ) : (
          <StackedOutcomeChart
            data={data.series}
            bucketSeconds={data.bucketSeconds}
            hrefOf={(t) => keysFirstSeenInBucket(t, data.bucketSeconds * 1000)}
            hidden={[
              ...(blind.replays ? (["replayed"] as const) : []),
              ...(blind.conflicts ? (["conflict"] as const) : []),
              ...(blind.mismatches ? (["mismatch"] as const) : []),
              ...(blind.reclaims ? (["reclaimed"] as const) : []),
            ]}
          />
        )}
      </section>
      {stuckChart}
      <section className="card">
        <div className="card-header">
          <h2>Busiest endpoints</h2>
          {data.stuckKeys ? (
            <Link href="/stuck">{formatCount(data.stuckKeys)} stuck keys →</Link>
          ) : null}
        </div>
        <BusiestEndpointsTable
          rows={data.busiestEndpoints}
          notCaptured={blind}
          claimLatencyUnavailable={data.unavailable.claimLatency}
        />
      </section>
    </>
  );
}
