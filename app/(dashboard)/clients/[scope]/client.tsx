"use client";

import { AppLink as Link } from "@/components/ui/AppLink";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ClientHistoryChart } from "@/components/charts/ClientHistoryChart";
import { keysFirstSeenInBucket } from "@/lib/client/queries/keys";
import { ClientEndpointsTable } from "@/components/tables/ClientEndpointsTable";
import { StormStrip } from "@/components/ui/StormStrip";
import { ExportableCard } from "@/components/ui/ExportableCard";
import { ListErrorBanner } from "@/components/ui/ListErrorBanner";
import { RangePicker } from "@/components/ui/RangePicker";
import { StatTile } from "@/components/ui/StatTile";
import { UpdatedAgo } from "@/components/ui/UpdatedAgo";
import {
  CLIENT_COUNT_COLUMNS,
  CLIENT_RANGES,
  type ClientDetail,
  type ClientRange,
} from "@/lib/client/api-types/clients";
import { formatCount, formatPerKey } from "@/lib/client/format";
import { useTimeFormat } from "@/components/ui/TimeZone";
import { clientDetailQuery } from "@/lib/client/queries/clients";
import { searchString } from "@/lib/client/queries/search-string";

export function ClientDetailClient({ scope, range }: { scope: string; range: ClientRange }) {
  const q = useQuery({
    ...clientDetailQuery(scope, range),
    refetchInterval: 15_000,
    placeholderData: keepPreviousData,
  });
  const data = q.data;
  const notFound = q.isError && /No request from client/.test(q.error.message);
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <p className="muted">
            <Link href={`/clients?range=${range}`}>← All clients</Link>
          </p>
          <h1 className="mono client-title">{scope}</h1>
          <p className="muted">
            Requests, keys and retries of this client; its endpoints below.{" "}
            <Link href={`/keys?${searchString({ scope })}`}>Search its keys</Link>
          </p>
        </div>
        <div className="toolbar">
          <UpdatedAgo at={q.dataUpdatedAt} />
          <RangePicker current={range} ranges={CLIENT_RANGES} />
        </div>
      </header>
      {notFound ? (
        <section className="card empty-state">
          <h2>Unknown client</h2>
          <p>{q.error?.message} Client names are matched exactly, including case.</p>
        </section>
      ) : q.isError ? (
        <ListErrorBanner message={q.error.message} hasData={Boolean(data)} what="this client" />
      ) : null}
      {data && !notFound ? (
        <ClientBody data={data} />
      ) : q.isPending ? (
        <p className="muted">Loading…</p>
      ) : null}
    </div>
  );
}

function ClientBody({ data }: { data: ClientDetail }) {
  const formatDateTime = useTimeFormat().instant;
  const t = data.totals;
  return (
    <>
      <StormStrip
        calm="No retry storm: this client retries at about its own 7-day baseline."
        storms={
          data.storm
            ? [
                {
                  key: "storm",
                  title: "Retry storm:",
                  text: `${data.storm.explanation}.`,
                  body: `${data.storm.explanation}.`,
                },
              ]
            : []
        }
      />
      <div className="tiles">
        <StatTile
          label="Requests"
          value={formatCount(t.requests)}
          detail={`since ${formatDateTime(data.from)}`}
        />
        <StatTile label="Keys" value={formatCount(t.keys)} detail="first sent in this range" />
        <StatTile
          label="Retries per key"
          value={formatPerKey(t.retriesPerKey)}
          detail={`7-day baseline ${formatPerKey(data.baselineRetriesPerKey)}`}
          tone={data.storm ? "bad" : "neutral"}
          testId="client-retries-per-key"
        />
        <StatTile
          label="Replayed"
          value={formatCount(t.replayed)}
          detail="answered from the store"
        />
        <StatTile
          label="Conflicts (409)"
          value={formatCount(t.conflicts)}
          tone={t.conflicts ? "warn" : "neutral"}
        />
        <StatTile
          label="Mismatches (422)"
          value={formatCount(t.mismatches)}
          tone={t.mismatches ? "warn" : "neutral"}
        />
      </div>
      <ExportableCard
        title="Requests and retries per key"
        csv={{
          rows: data.series,
          columns: ["t", "requests", "keys", "retriesPerKey", "conflicts", "mismatches"],
          filename: `idemscope-client-${data.range}.csv`,
        }}
      >
        <ClientHistoryChart
          series={data.series}
          bucketSeconds={data.bucketSeconds}
          baseline={data.baselineRetriesPerKey}
          hrefOf={(t) => keysFirstSeenInBucket(t, data.bucketSeconds * 1000, data.scope)}
        />
      </ExportableCard>
      <ExportableCard
        title={`Endpoints (whole UTC days since ${formatDateTime(data.endpointsFrom)})`}
        csv={{
          rows: data.endpoints,
          columns: ["endpoint", ...CLIENT_COUNT_COLUMNS],
          filename: `idemscope-client-endpoints-${data.range}.csv`,
        }}
      >
        <ClientEndpointsTable rows={data.endpoints} />
      </ExportableCard>
    </>
  );
}
