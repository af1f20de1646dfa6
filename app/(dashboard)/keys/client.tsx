"use client";

import { AppLink as Link } from "@/components/ui/AppLink";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { KeySearchTable } from "@/components/tables/KeySearchTable";
import { Banner } from "@/components/ui/Banner";
import { ListErrorBanner } from "@/components/ui/ListErrorBanner";
import { Pager } from "@/components/ui/Pager";
import { KEY_STATUSES, type RecentDuplicate } from "@/lib/client/api-types/keys";
import { formatCount } from "@/lib/client/format";
import { keySearchQuery, keySearchString, lifecyclePageUrl } from "@/lib/client/queries/keys";
import { RANGES, RANGE_LABELS } from "@/lib/client/range";
import { apiQuery, hasSearch, type KeySearchParams } from "./search-params";
import { Instant } from "@/components/ui/TimeZone";

// the URL's own state: a range is kept as the range (its from moves with the clock), a window as is
function urlStateOf(p: KeySearchParams): KeySearchParams {
  if (!p.range) return p;
  const { from: _from, ...urlState } = p;
  return urlState;
}

function pageHref(p: KeySearchParams, cursor: string | undefined): string {
  return `/keys?${keySearchString({ ...urlStateOf(p), cursor })}`;
}

/** The explicit window a chart's bar led here with, and the way out of it. */
function FirstSeenWindow({ params }: { params: KeySearchParams }) {
  if (params.range || (!params.from && !params.to)) return null;
  const { from: _from, to: _to, cursor: _cursor, ...rest } = params;
  return (
    <p className="window-chip" data-testid="first-seen-window">
      First seen{" "}
      {params.from ? (
        <>
          from <Instant iso={params.from} noSeconds />{" "}
        </>
      ) : null}
      {params.to ? (
        <>
          until <Instant iso={params.to} noSeconds />
        </>
      ) : null}{" "}
      · <Link href={`/keys?${keySearchString(rest)}`}>any time</Link>
    </p>
  );
}

export function KeySearchClient({
  params,
  fellBackFrom,
  duplicates,
  storeVisible,
}: {
  params: KeySearchParams;
  fellBackFrom?: string;
  duplicates: RecentDuplicate[];
  /** false where spans are the only source: no row is ever read, so none is "purged" */
  storeVisible: boolean;
}) {
  const searching = hasSearch(params);
  const q = useQuery({
    ...keySearchQuery(apiQuery(params)),
    enabled: searching,
    placeholderData: keepPreviousData,
  });
  const data = q.data;
  const text = params.key ?? params.prefix ?? "";
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Key search</h1>
          <p className="muted">
            Find an idempotency key by its exact value or how it starts, across clients and
            endpoints,{" "}
            {storeVisible
              ? "including keys already purged (found through their events)"
              : "through the requests their spans recorded (the store itself is not visible)"}
            . Or list a client&apos;s or an endpoint&apos;s keys, newest first.
          </p>
        </div>
      </header>
      <form className="card filters" method="get" action="/keys" aria-label="Search keys">
        <label>
          Key
          <input
            name="q"
            defaultValue={text}
            placeholder="a key, or its first characters"
            maxLength={255}
            autoFocus
          />
        </label>
        <label>
          Match
          <select name="match" defaultValue={params.prefix !== undefined ? "prefix" : "exact"}>
            <option value="exact">exactly</option>
            <option value="prefix">starts with</option>
          </select>
        </label>
        <label>
          Client
          <input name="scope" defaultValue={params.scope} placeholder="any" maxLength={255} />
        </label>
        <label>
          Endpoint
          <input name="endpoint" defaultValue={params.endpoint} placeholder="any" maxLength={255} />
        </label>
        <label>
          Status
          <select name="status" defaultValue={params.status ?? ""}>
            <option value="">any</option>
            {KEY_STATUSES.filter((s) => storeVisible || s !== "purged").map((s) => (
              <option key={s} value={s}>
                {s.replace("_", " ")}
              </option>
            ))}
          </select>
        </label>
        {/* a window from a chart's bar stays while other filters change, until a range replaces it */}
        {!params.range && params.from ? (
          <input type="hidden" name="from" value={params.from} />
        ) : null}
        {!params.range && params.to ? <input type="hidden" name="to" value={params.to} /> : null}
        <label>
          First seen
          <select name="range" defaultValue={params.range ?? ""}>
            <option value="">{params.from || params.to ? "the window below" : "any time"}</option>
            {RANGES.map((r) => (
              <option key={r} value={r}>
                {RANGE_LABELS[r].toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        <div className="actions">
          <button type="submit">Search</button>
          {searching ? <Link href="/keys">Clear</Link> : null}
        </div>
      </form>
      <FirstSeenWindow params={params} />
      {fellBackFrom !== undefined ? (
        <Banner tone="info" title={`No key is exactly “${fellBackFrom}”.`}>
          Showing keys that start with it.
        </Banner>
      ) : null}
      {q.isError ? (
        <ListErrorBanner message={q.error.message} hasData={Boolean(data)} what="the keys" />
      ) : null}
      {searching && data?.slow ? (
        <Banner tone="info" title="This search reads the whole store table.">
          {data.slow}
        </Banner>
      ) : null}
      {searching && data ? (
        <section className="card">
          <h2 data-testid="key-results">
            {data.items.length === 0
              ? "No key matches."
              : `${formatCount(data.items.length)}${data.nextCursor ? "+" : ""} ${data.items.length === 1 ? "key" : "keys"}`}
          </h2>
          {data.items.length > 0 ? <KeySearchTable rows={data.items} /> : null}
          <Pager
            firstHref={params.cursor ? pageHref(params, undefined) : null}
            nextHref={data.nextCursor ? pageHref(params, data.nextCursor) : null}
          />
        </section>
      ) : searching && q.isPending ? (
        <p className="muted">Searching…</p>
      ) : null}
      {!searching ? (
        <section className="card" aria-label="Recent duplicate successes">
          <h2>Recent duplicate successes</h2>
          <p className="muted">
            Intents whose effect succeeded more than once (the contract&apos;s &ldquo;duplicate
            success&rdquo;), newest first. Open one to see how it happened.
          </p>
          {duplicates.length === 0 ? (
            <p className="empty-state">None in the collector&apos;s memory. That is the goal.</p>
          ) : (
            <ul className="plain-list">
              {duplicates.map((d) => (
                <li key={`${d.scope}\u0000${d.endpoint}\u0000${d.key}`}>
                  <Link href={lifecyclePageUrl(d)} className="mono">
                    {d.key}
                  </Link>{" "}
                  <span className="muted">
                    {d.endpoint} · {d.scope} · {d.successes} successes · first request{" "}
                    <Instant iso={d.firstRequestAt} />
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </div>
  );
}
