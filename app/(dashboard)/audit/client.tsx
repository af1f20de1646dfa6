"use client";

import { AppLink as Link } from "@/components/ui/AppLink";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { AuditTable } from "@/components/tables/AuditTable";
import { Banner } from "@/components/ui/Banner";
import { ListErrorBanner } from "@/components/ui/ListErrorBanner";
import { Pager } from "@/components/ui/Pager";
import { UpdatedAgo } from "@/components/ui/UpdatedAgo";
import { auditQuery, auditSearch, type AuditQuery } from "@/lib/client/queries/audit";

export function AuditClient({ query }: { query: AuditQuery }) {
  const q = useQuery({
    ...auditQuery(query),
    refetchInterval: 15_000,
    placeholderData: keepPreviousData,
  });
  const filtered = Boolean(
    query.actor || query.key || query.keyId || query.action || query.batchId,
  );
  const data = q.data;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Audit log</h1>
          <p className="muted">
            Every release, fail, response reveal and reconciliation: who (from their verified
            sign-in), when, why, and the key before and after. Newest first.
          </p>
        </div>
        <div className="toolbar">
          <UpdatedAgo at={q.dataUpdatedAt} />
        </div>
      </header>
      <form className="card filters" method="get" action="/audit" aria-label="Filters">
        <label>
          Actor
          <input name="actor" defaultValue={query.actor} placeholder="anyone" maxLength={255} />
        </label>
        <label>
          Key
          <input name="key" defaultValue={query.key} placeholder="exact key" maxLength={255} />
        </label>
        <label>
          Action
          <select name="action" defaultValue={query.action ?? ""}>
            <option value="">any</option>
            <option value="release">release</option>
            <option value="fail">fail</option>
            <option value="reveal">reveal</option>
            <option value="reconcile">reconcile</option>
          </select>
        </label>
        {query.keyId ? <input type="hidden" name="keyId" value={query.keyId} /> : null}
        {query.batchId ? <input type="hidden" name="batchId" value={query.batchId} /> : null}
        <div className="actions">
          <button type="submit">Apply</button>
          {filtered ? <Link href="/audit">Clear filters</Link> : null}
        </div>
      </form>
      {query.keyId || query.batchId ? (
        <Banner tone="info" title={query.batchId ? "One bulk action." : "One key."}>
          Showing{" "}
          {query.batchId ? `the keys of bulk action ${query.batchId}` : `key id ${query.keyId}`}{" "}
          only.
        </Banner>
      ) : null}
      {q.isError ? (
        <ListErrorBanner message={q.error.message} hasData={Boolean(data)} what="the audit log" />
      ) : null}
      {data ? (
        <section className="card">
          {data.items.length === 0 ? (
            <p className="empty-state">
              {filtered
                ? "No operator action matches these filters."
                : "No operator action yet: releases and fails made from the Stuck keys page appear here."}
            </p>
          ) : (
            <AuditTable rows={data.items} />
          )}
          <Pager
            firstHref={
              query.cursor ? `/audit?${auditSearch({ ...query, cursor: undefined })}` : null
            }
            nextHref={
              data.nextCursor
                ? `/audit?${auditSearch({ ...query, cursor: data.nextCursor })}`
                : null
            }
            firstLabel="← Newest"
            nextLabel="Older →"
          />
        </section>
      ) : q.isPending ? (
        <p className="muted">Loading…</p>
      ) : null}
    </div>
  );
}
