"use client";

import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { DailyCountChart } from "@/components/charts/DailyCountChart";
import { RetryDelayChart } from "@/components/charts/RetryDelayChart";
import { StoreSizeChart } from "@/components/charts/StoreSizeChart";
import { formatDayTick } from "@/components/charts/time-format";
import { TtlAdvisorTable } from "@/components/tables/TtlAdvisorTable";
import { Banner } from "@/components/ui/Banner";
import { ExportableCard } from "@/components/ui/ExportableCard";
import { ListErrorBanner } from "@/components/ui/ListErrorBanner";
import { RangePicker } from "@/components/ui/RangePicker";
import { SegmentedChoice } from "@/components/ui/SegmentedChoice";
import { captureName } from "@/components/source/captureName";
import { CaptureHealthCard } from "@/components/source/CaptureHealthCard";
import { CoverageTable } from "@/components/source/CoverageTable";
import { StatTile } from "@/components/ui/StatTile";
import { keysFirstSeenOnDay } from "@/lib/client/queries/keys";
import { UpdatedAgo } from "@/components/ui/UpdatedAgo";
import { STORE_RANGES, type StoreRange, type StoreReport } from "@/lib/client/api-types/store";
import { formatBytes, formatCount } from "@/lib/client/format";
import { storeQuery } from "@/lib/client/queries/store";
import { useTimeFormat } from "@/components/ui/TimeZone";

export function StoreClient({ range }: { range: StoreRange }) {
  const q = useQuery({
    ...storeQuery(range),
    refetchInterval: 60_000,
    placeholderData: keepPreviousData,
  });
  const data = q.data;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Store</h1>
          <p className="muted">
            How the idempotency store grows, whether the purger keeps up, and whether each
            endpoint&apos;s TTL fits how late its clients retry.
          </p>
        </div>
        <div className="toolbar no-print">
          <UpdatedAgo at={q.dataUpdatedAt} />
          <button type="button" onClick={() => window.print()}>
            Print
          </button>
          <RangePicker current={range} ranges={STORE_RANGES} />
        </div>
      </header>
      {q.isError ? (
        <ListErrorBanner
          message={q.error.message}
          hasData={Boolean(data)}
          what="the store report"
        />
      ) : null}
      {data?.source.notCaptured.store ? (
        <StoreNotVisible data={data} />
      ) : data ? (
        <StoreBody data={data} />
      ) : q.isPending ? (
        <p className="muted">Loading…</p>
      ) : null}
    </div>
  );
}

/** Where the numbers come from, and what each panel can show (the coverage). */
function SourceCard({ source }: { source: StoreReport["source"] }) {
  const formatInstant = useTimeFormat().instant;
  const since = source.since ? ` since ${formatInstant(source.since)}` : "";
  return (
    <section className="card" id="source" data-testid="store-source">
      <h2>Source: {source.title}</h2>
      <p className="muted">
        {source.notCaptured.store
          ? `Requests from the services' OpenTelemetry spans (POST /v1/traces)${since}; no table of the store is read.`
          : source.mapped
            ? `Read from ${source.table} through a mapping view; events captured by ${captureName(source)}${since}. ${source.importedBefore ? "The rows it held before then were imported as their first requests and outcomes." : "The table keeps no history of its own, so nothing before that is known."}`
            : `The store follows idemscope's contract: ${source.table} and its events table are read directly.`}
      </p>
      <CoverageTable source={source} />
    </section>
  );
}

/** Spans alone: the store's size, growth and purges are out of reach; say so, not zeros. */
function StoreNotVisible({ data }: { data: StoreReport }) {
  const why = data.source.notCaptured.store ?? "";
  return (
    <>
      <Banner tone="info" title="The store itself is not read.">
        <span data-testid="store-not-captured">
          {why.charAt(0).toUpperCase()}
          {why.slice(1)}. Size, growth, purger health and the TTL advisor need the keys kept in a
          PostgreSQL table idemscope can read.
        </span>
      </Banner>
      <SourceCard source={data.source} />
    </>
  );
}

function StoreBody({ data }: { data: StoreReport }) {
  const [metric, setMetric] = useState<"bytes" | "rows">("bytes");
  const total = data.tables.reduce((s, x) => s + x.bytes, 0);
  const rows = data.tables.reduce((s, x) => s + x.rows, 0);
  const p = data.purger;
  const g = data.growthPerDay;
  return (
    <>
      {p.status === "behind" ? (
        <Banner tone="bad" title="Purger behind:">
          {p.message}
        </Banner>
      ) : null}
      {data.projection.status === "exceeded" ? (
        <Banner tone="bad" title="Size budget exceeded:">
          {data.projection.message}
        </Banner>
      ) : null}
      <div className="tiles">
        <StatTile
          label="Store size"
          value={formatBytes(total)}
          detail={`${formatCount(rows)} rows (estimate)`}
        />
        <StatTile
          label="Growth per day"
          value={g ? `${g.bytes >= 0 ? "+" : ""}${formatBytes(g.bytes)}` : "–"}
          detail={
            g
              ? data.growthBasis === "creation times"
                ? `≈ ${formatCount(Math.round(g.rows))} keys created a day, from their creation times (purges before capture were not recorded; size samples take over after an hour)`
                : `${g.rows >= 0 ? "+" : ""}${formatCount(g.rows)} rows a day`
              : "needs samples an hour apart"
          }
        />
        <StatTile
          label="Size budget"
          value={
            data.projectedBudgetDate
              ? data.projectedBudgetDate.slice(0, 10)
              : data.budgetBytes
                ? formatBytes(data.budgetBytes)
                : "not set"
          }
          detail={data.projection.message}
          tone={data.projection.status === "exceeded" ? "bad" : "neutral"}
          testId="store-projection"
        />
        <StatTile
          label="Expired, not purged"
          value={`${p.capped ? "> " : ""}${formatCount(p.expiredNotPurged)}`}
          detail={p.message}
          tone={p.status === "behind" ? "bad" : "ok"}
          testId="store-purger"
        />
      </div>
      <SourceCard source={data.source} />
      {data.capture ? <CaptureHealthCard capture={data.capture} /> : null}
      <ExportableCard
        title="Size per table"
        csv={{
          rows: data.tables.flatMap((table) =>
            table.samples.map((s) => ({ table: table.name, ...s })),
          ),
          columns: ["table", "t", "rows", "bytes"],
          filename: `idemscope-store-size-${data.range}.csv`,
        }}
      >
        {data.tables.length === 0 ? (
          <p className="empty-state">
            No size sample yet: the collector samples the catalog every minute.
          </p>
        ) : (
          <>
            <SegmentedChoice
              legend="Show"
              name="size-metric"
              className="no-print"
              options={[
                { value: "bytes", label: "Bytes" },
                { value: "rows", label: "Rows" },
              ]}
              value={metric}
              onChange={setMetric}
            />
            <StoreSizeChart
              metric={metric}
              tables={data.tables}
              sampleSeconds={data.sampleSeconds}
              budgetBytes={data.budgetBytes}
            />
            <table className="table" aria-label="Tables">
              <thead>
                <tr>
                  <th scope="col">Table</th>
                  <th scope="col" className="num">
                    Rows (estimate)
                  </th>
                  <th scope="col" className="num">
                    Size
                  </th>
                  <th scope="col" className="num">
                    Samples
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.tables.map((t) => (
                  <tr key={t.name}>
                    <td className="mono">{t.name}</td>
                    <td className="num">{formatCount(t.rows)}</td>
                    <td className="num">{formatBytes(t.bytes)}</td>
                    <td className="num">{formatCount(t.samples.length)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </ExportableCard>
      {data.eventsUnavailable ? (
        <section className="card empty-state" data-testid="store-events-unavailable">
          <h2>New keys, purges and the TTL advisor need the events table</h2>
          <p>{data.eventsUnavailable}</p>
        </section>
      ) : (
        <>
          {data.createdExpired ? (
            <ExportableCard
              title="Keys created and purged per day"
              csv={{
                rows: data.createdExpired,
                columns: ["day", "created", "expired"],
                filename: `idemscope-keys-created-purged-${data.range}.csv`,
              }}
            >
              <DailyCountChart
                data={data.createdExpired}
                xKey="day"
                series={[
                  { key: "created", name: "Created (claims)", color: "#2563eb" },
                  { key: "expired", name: "Purged after expiry", color: "#94a3b8" },
                ]}
                unit="keys per day"
                tick={formatDayTick}
                bucketMs={86_400_000}
                hrefOf={keysFirstSeenOnDay}
                label="Keys created and purged per day"
                stacked={false}
              />
            </ExportableCard>
          ) : null}
          <TtlAdvisor rows={data.ttlAdvisor} range={data.range} />
        </>
      )}
    </>
  );
}

function TtlAdvisor({ rows, range }: { rows: StoreReport["ttlAdvisor"]; range: StoreRange }) {
  const worst = rows.find((r) => r.verdict === "raise") ?? rows[0];
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const shown = rows.find((r) => r.endpoint === selected) ?? worst;
  return (
    <ExportableCard
      title="TTL advisor"
      csv={{
        rows: rows.map(({ histogram: _h, ...r }) => r),
        columns: [
          "endpoint",
          "ttlSeconds",
          "ttlSource",
          "retries",
          "afterExpiry",
          "afterExpiryShare",
          "p99Seconds",
          "p999Seconds",
          "suggestedTtlSeconds",
          "verdict",
          "message",
        ],
        filename: `idemscope-ttl-advisor-${range}.csv`,
      }}
    >
      {rows.length === 0 ? (
        <p className="empty-state">No retry in this range: nothing to judge a TTL by.</p>
      ) : (
        <>
          <TtlAdvisorTable rows={rows} selected={shown?.endpoint} onSelect={setSelected} />
          {shown ? (
            <div className="print-block">
              <h3 className="mono">{shown.endpoint}</h3>
              <p data-testid="ttl-advice">{shown.message}</p>
              <RetryDelayChart advice={shown} />
            </div>
          ) : null}
        </>
      )}
    </ExportableCard>
  );
}
