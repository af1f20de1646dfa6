"use client";

import { AppLink as Link } from "@/components/ui/AppLink";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { SourceNote } from "@/components/source/SourceNote";
import { ClientsTable } from "@/components/tables/ClientsTable";
import { Banner } from "@/components/ui/Banner";
import { CsvButton } from "@/components/ui/CsvButton";
import { ListErrorBanner } from "@/components/ui/ListErrorBanner";
import { Pager } from "@/components/ui/Pager";
import { RangePicker } from "@/components/ui/RangePicker";
import { StormStrip } from "@/components/ui/StormStrip";
import { UpdatedAgo } from "@/components/ui/UpdatedAgo";
import {
  CLIENT_COUNT_COLUMNS,
  CLIENT_RANGES,
  type ClientList,
} from "@/lib/client/api-types/clients";
import { formatCount } from "@/lib/client/format";
import { Instant } from "@/components/ui/TimeZone";
import {
  clientHref,
  clientsQuery,
  clientsSearch,
  type ClientsQuery,
} from "@/lib/client/queries/clients";

export function ClientsClient({ query }: { query: ClientsQuery }) {
  const q = useQuery({
    ...clientsQuery(query),
    refetchInterval: 15_000,
    placeholderData: keepPreviousData,
  });
  const data = q.data;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Clients</h1>
          <p className="muted">
            Who retries, and how much: requests, keys and retries per key per client, with retry
            storms flagged against each client&apos;s own 7-day baseline.
          </p>
        </div>
        <div className="toolbar">
          <UpdatedAgo at={q.dataUpdatedAt} />
          <RangePicker current={query.range} ranges={CLIENT_RANGES} />
        </div>
      </header>
      {q.isError ? (
        <ListErrorBanner message={q.error.message} hasData={Boolean(data)} what="the clients" />
      ) : null}
      {data ? (
        <ClientsBody data={data} query={query} />
      ) : q.isPending ? (
        <p className="muted">Loading…</p>
      ) : null}
    </div>
  );
}

function ClientsBody({ data, query }: { data: ClientList; query: ClientsQuery }) {
  if (data.unavailable) {
    return (
      <section className="card empty-state" data-testid="clients-unavailable">
        <h2>No per-client numbers for this store</h2>
        <p>{data.unavailable}</p>
      </section>
    );
  }
  if (!data.asOf) {
    return (
      <section className="card empty-state">
        <h2>Not counted yet</h2>
        <p>
          The collector counts every client&apos;s totals within 15 seconds of starting; this page
          fills in by itself.
        </p>
      </section>
    );
  }
  const href = (q: ClientsQuery) => `/clients?${clientsSearch(q)}`;
  return (
    <>
      {data.source.notCaptured.clients ? (
        <Banner tone="info" title="One client only:">
          not captured for {data.source.preset}: {data.source.notCaptured.clients}.
        </Banner>
      ) : null}
      <SourceNote source={data.source} />
      <StormStrip
        calm="No retry storm: every client retries at about its own 7-day baseline."
        storms={data.storms.map((s) => ({
          key: s.scope,
          title: `${s.scope} is in a retry storm:`,
          text: `${s.explanation}.`,
          body: (
            <>
              {s.explanation}. <Link href={clientHref(s.scope, query.range)}>Open {s.scope}</Link>
            </>
          ),
        }))}
      />
      {data.pastStorms.length > 0 ? (
        <p className="muted" data-testid="past-storms">
          Retry storms earlier in this range:{" "}
          {data.pastStorms.slice(0, 5).map((p, i) => (
            <span key={p.scope}>
              {i > 0 ? ", " : ""}
              <Link href={clientHref(p.scope, query.range)}>{p.scope}</Link> (
              {p.hours === 1 ? "1 hour" : `${p.hours} hours`}, up to {p.peakFactor.toFixed(1)}×, the
              latest <Instant iso={p.lastHour} noSeconds />)
            </span>
          ))}
          {data.pastStorms.length > 5 ? ` and ${data.pastStorms.length - 5} more` : ""}.
        </p>
      ) : null}
      <section className="card">
        <div className="card-header">
          <h2>
            {formatCount(data.totalClients)} {data.totalClients === 1 ? "client" : "clients"}
          </h2>
          <p className="muted card-note">
            Whole {query.range === "24h" ? "hours" : "UTC days"} since{" "}
            {data.from ? <Instant iso={data.from} noSeconds /> : "–"} · counted{" "}
            <Instant iso={data.asOf} />
          </p>
          <CsvButton
            rows={data.items.map(({ sparkline: _s, storm, pastStorm, ...rest }) => ({
              ...rest,
              storm: storm?.explanation ?? "",
              stormHoursInRange: pastStorm?.hours ?? 0,
            }))}
            columns={["scope", ...CLIENT_COUNT_COLUMNS, "storm", "stormHoursInRange"]}
            filename={`idemscope-clients-${query.range}.csv`}
          />
        </div>
        {data.items.length === 0 ? (
          <p className="empty-state">No client sent a request in this range.</p>
        ) : (
          <ClientsTable
            rows={data.items}
            sort={query.sort}
            dir={query.dir}
            sortHref={(sort, dir) => href({ range: query.range, sort, dir })}
            clientHref={(scope) => clientHref(scope, query.range)}
            notCaptured={data.source.notCaptured}
          />
        )}
        <Pager
          firstHref={query.cursor ? href({ ...query, cursor: undefined }) : null}
          nextHref={data.nextCursor ? href({ ...query, cursor: data.nextCursor }) : null}
        />
      </section>
    </>
  );
}
