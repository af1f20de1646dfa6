"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { AppLink as Link } from "@/components/ui/AppLink";
import { DailyCountChart } from "@/components/charts/DailyCountChart";
import { DailyRateChart } from "@/components/charts/DailyRateChart";
import { formatDayTick, formatMonthTick } from "@/components/charts/time-format";
import { ListErrorBanner } from "@/components/ui/ListErrorBanner";
import { ExportableCard } from "@/components/ui/ExportableCard";
import { RangePicker } from "@/components/ui/RangePicker";
import { SourceNote } from "@/components/source/SourceNote";
import { useTimeFormat } from "@/components/ui/TimeZone";
import { StatTile } from "@/components/ui/StatTile";
import { UpdatedAgo } from "@/components/ui/UpdatedAgo";
import { TREND_RANGES, type TrendRange, type Trends } from "@/lib/client/api-types/trends";
import {
  formatBytes,
  formatCount,
  formatMoney,
  formatMoneyCompact,
  formatPercent,
} from "@/lib/client/format";
import { trendsQuery } from "@/lib/client/queries/trends";
import { useFoldStatus } from "@/components/ui/use-fold-status";
import { AnnotationsCard } from "./annotations-card";
import { keysFirstSeenOnDay } from "@/lib/client/queries/keys";
import { MoneyCard } from "./money-card";

export function TrendsClient({ range }: { range: TrendRange }) {
  const q = useQuery({
    ...trendsQuery(range),
    refetchInterval: 60_000,
    placeholderData: keepPreviousData,
  });
  const data = q.data;
  // the verdict says "provisional" once hydrated (the server renders no fold status)
  const h = useFoldStatus()?.history;
  const folding = h && !h.finishedAt ? h : null;
  return (
    <div className="page trends">
      <header className="page-header">
        <div>
          <h1>Trends</h1>
          <p className="muted">
            Daily, last {range.replace("d", " days")} (UTC days) · is idempotency preventing
            duplicates?
          </p>
        </div>
        <div className="toolbar no-print">
          <UpdatedAgo at={q.dataUpdatedAt} />
          <button type="button" onClick={() => window.print()}>
            Print
          </button>
          <RangePicker current={range} ranges={TREND_RANGES} />
        </div>
      </header>
      {q.isError ? (
        <ListErrorBanner message={q.error.message} hasData={Boolean(data)} what="the trends" />
      ) : null}
      {data ? (
        <TrendsBody data={data} foldingFrom={folding ? (folding.completeFrom ?? "") : null} />
      ) : q.isPending ? (
        <p className="muted">Loading…</p>
      ) : null}
      <AnnotationsCard days={Number(range.replace("d", ""))} />
    </div>
  );
}

/**
 * `foldingFrom`: while the store's history is folded, the time from which days are complete ("" when
 * none is yet); the verdict then says it is provisional instead of looking final.
 */
function TrendsBody({ data, foldingFrom }: { data: Trends; foldingFrom: string | null }) {
  const formatDateTime = useTimeFormat().instant;
  const v = data.verdict;
  const ok = v.daysMeasured > 0 && v.daysWithinTarget === v.daysMeasured;
  const t = data.totals;
  const blind = data.source.notCaptured;
  const rec = data.reconciliation;
  const thisMonth = rec.months.at(-1)?.reconciliations ?? 0;
  const lastMonth = rec.months.at(-2)?.reconciliations ?? 0;
  return (
    <>
      <div
        className={`verdict ${foldingFrom !== null ? "" : ok ? "verdict-ok" : v.daysMeasured ? "verdict-bad" : ""}`}
        data-testid="verdict"
      >
        {foldingFrom !== null
          ? `Provisional: the history is still being folded${foldingFrom ? `, days before ${formatDateTime(foldingFrom)} are incomplete` : ""}. So far: ${v.summary}`
          : v.summary}
      </div>
      <SourceNote source={data.source} />
      <div className="tiles">
        <StatTile
          label="Duplicate success rate"
          value={formatPercent(t.duplicateSuccessRate)}
          tone={
            t.duplicateSuccessRate === null
              ? "neutral"
              : t.duplicateSuccessRate > data.target
                ? "bad"
                : "ok"
          }
          detail={`${formatCount(t.duplicateSuccesses)} of ${formatCount(t.succeededIntents)} intents · target < ${formatPercent(data.target)}${data.days.some((d) => d.imported === "all") ? " · days before capture began are not counted: imported rows record no duplicates" : ""}`}
        />
        <StatTile
          label="Duplicates prevented"
          value={blind.replays ? "—" : formatCount(t.replayed)}
          detail={
            blind.replays
              ? `Not captured for ${data.source.preset}: ${blind.replays}`
              : `retries answered from the store (${formatPercent(t.requests ? t.replayed / t.requests : null)} of requests)`
          }
        />
        <StatTile
          label="Requests"
          value={formatCount(t.requests)}
          detail={
            blind.replays || blind.conflicts || blind.mismatches
              ? "claims and reclaims (what this layout writes)"
              : "claims, replays, conflicts, mismatches"
          }
        />
        <StatTile
          label="Manual interventions"
          value={formatCount(t.interventions)}
          detail="keys released or failed by operators"
        />
        <StatTile
          testId="tile-money"
          label="Money in open duplicates"
          value={
            data.money.totals[0]
              ? formatMoneyCompact(data.money.totals[0].open, data.money.totals[0].currency)
              : "–"
          }
          exact={
            data.money.totals[0]
              ? formatMoney(data.money.totals[0].open, data.money.totals[0].currency)
              : undefined
          }
          tone={data.money.totals.some((m) => m.open > 0) ? "bad" : "neutral"}
          detail={
            data.money.unavailable
              ? "not captured for this store"
              : data.money.configured.length === 0
                ? "set IDEMSCOPE_AMOUNT_PATHS to count it"
                : data.money.totals.length > 1
                  ? `and ${data.money.totals.length - 1} more currencies · approximate`
                  : "approximate: each extra success's amount"
          }
        />
        <StatTile
          testId="tile-reconciliations"
          label="Reconciliations this month"
          value={formatCount(thisMonth)}
          tone={thisMonth > rec.target.max || lastMonth > rec.target.max ? "bad" : "ok"}
          detail={`target ${rec.target.min}–${rec.target.max} a month · last month ${formatCount(lastMonth)}${lastMonth > rec.target.max ? " (over target)" : ""} · ${formatCount(rec.open)} open${rec.oldestOpenFirstRequestAt ? `, oldest from ${formatDateTime(rec.oldestOpenFirstRequestAt)}` : ""}`}
        />
        <StatTile
          label="Store growth"
          value={
            data.store.bytesPerDay === null ? "–" : `${formatBytes(data.store.bytesPerDay)}/day`
          }
          detail={`${formatBytes(data.store.tables.reduce((s, x) => s + x.bytes, 0))} now · ${data.store.rowsPerDay === null ? "growth needs two size samples" : data.store.growthBasis === "creation times" ? `≈ ${formatCount(Math.round(data.store.rowsPerDay))} keys created a day, from their creation times (purges before capture were not recorded)` : `${formatCount(Math.round(data.store.rowsPerDay))} rows/day`}`}
        />
      </div>
      <ExportableCard
        title="Duplicate success rate per day"
        csv={{
          rows: data.days,
          columns: ["day", "succeededIntents", "duplicateSuccesses", "duplicateSuccessRate"],
          filename: `idemscope-duplicate-success-rate-${data.range}.csv`,
        }}
      >
        <DailyRateChart days={data.days} target={data.target} hrefOf={keysFirstSeenOnDay} />
      </ExportableCard>
      <ExportableCard
        title="Duplicates prevented per day"
        csv={{
          rows: data.days,
          columns: ["day", "requests", "replayed"],
          filename: `idemscope-duplicates-prevented-${data.range}.csv`,
        }}
      >
        {blind.replays ? (
          <p className="empty-state" data-testid="replays-not-captured">
            Not captured for {data.source.preset}: {blind.replays}.
          </p>
        ) : (
          <DailyCountChart
            data={data.days}
            xKey="day"
            series={[{ key: "replayed", name: "replayed (duplicate prevented)", color: "#16a34a" }]}
            unit="replays / day"
            tick={formatDayTick}
            bucketMs={86_400_000}
            hrefOf={keysFirstSeenOnDay}
            label="Duplicates prevented per day: retries answered from the store"
          />
        )}
      </ExportableCard>
      <ExportableCard
        title="Manual interventions per month · last 12 months"
        csv={{
          rows: data.months,
          columns: ["month", "releases", "fails"],
          filename: "idemscope-interventions-by-month.csv",
        }}
      >
        {data.months.every((m) => m.releases + m.fails === 0) ? (
          <p className="empty-state">
            No key released or failed by an operator in the last 12 months.
          </p>
        ) : (
          <DailyCountChart
            data={data.months}
            xKey="month"
            series={[
              { key: "releases", name: "released", color: "#f59e0b" },
              { key: "fails", name: "failed", color: "#dc2626" },
            ]}
            unit="keys / month"
            tick={formatMonthTick}
            hrefOf={() => "/audit"}
            label="Manual interventions per month, last 12 months"
          />
        )}
      </ExportableCard>
      <MoneyCard money={data.money} />
      <ExportableCard
        title="Reconciliations per month (M5) · last 12 months"
        csv={{
          rows: rec.months,
          columns: ["month", "reconciliations"],
          filename: "idemscope-reconciliations-by-month.csv",
        }}
      >
        <DailyCountChart
          data={rec.months}
          xKey="month"
          series={[{ key: "reconciliations", name: "reconciled", color: "#7c3aed" }]}
          unit="duplicates / month"
          tick={formatMonthTick}
          label={`Duplicate successes reconciled per month, last 12 months; target ${rec.target.min}–${rec.target.max} a month`}
          target={{ max: rec.target.max, label: `target ≤ ${rec.target.max} a month` }}
          hrefOf={() => "/audit?action=reconcile"}
        />
        <p className="muted">
          Target {rec.target.min}–{rec.target.max} a month.{" "}
          <Link href="/duplicates">{formatCount(rec.open)} open duplicate successes →</Link>
        </p>
      </ExportableCard>
      <ExportableCard
        title="Store size"
        csv={{
          rows: data.store.tables,
          columns: ["name", "rows", "bytes"],
          filename: "idemscope-store-size.csv",
        }}
      >
        {data.store.tables.length === 0 ? (
          <p className="empty-state">
            No size sample yet: the collector samples the catalog every minute.
          </p>
        ) : (
          <table className="table" aria-label="Store size">
            <thead>
              <tr>
                <th scope="col">Table</th>
                <th scope="col" className="num">
                  Rows (estimate)
                </th>
                <th scope="col" className="num">
                  Size
                </th>
              </tr>
            </thead>
            <tbody>
              {data.store.tables.map((x) => (
                <tr key={x.name}>
                  <td className="mono">{x.name}</td>
                  <td className="num">{formatCount(x.rows)}</td>
                  <td className="num">{formatBytes(x.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </ExportableCard>
    </>
  );
}
