"use client";

import { AppLink as Link } from "@/components/ui/AppLink";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { StuckKeysTable } from "@/components/tables/StuckKeysTable";
import { Banner } from "@/components/ui/Banner";
import { KeyActionButtons } from "@/components/ui/KeyActionButtons";
import { ListErrorBanner } from "@/components/ui/ListErrorBanner";
import { Pager } from "@/components/ui/Pager";
import { UpdatedAgo } from "@/components/ui/UpdatedAgo";
import type { BulkResult, KeyAction } from "@/lib/client/api-types/actions";
import type { StuckKey } from "@/lib/client/api-types/stuck";
import type { ViewerInfo } from "@/lib/client/api-types/viewer";
import { formatAge, formatCount } from "@/lib/client/format";
import { stuckQuery, stuckSearch, type StuckQuery } from "@/lib/client/queries/stuck";
import { BulkActions } from "./bulk-actions";
import { KeyActionDialog, type ActionOutcome } from "./key-action-dialog";
import { MIN_AGE_CHOICES } from "./search-params";

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function StuckKeysClient({ query, viewer }: { query: StuckQuery; viewer: ViewerInfo }) {
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<{ key: StuckKey; action: KeyAction } | null>(null);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const [bulkOutcome, setBulkOutcome] = useState<BulkResult | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["stuck"] });
  const q = useQuery({
    ...stuckQuery(query),
    refetchInterval: 10_000,
    placeholderData: keepPreviousData,
  });
  const filtered = Boolean(query.endpoint || query.scope || query.lockOwner || query.minAgeSeconds);
  const data = q.data;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Stuck keys</h1>
          <p className="muted">
            In progress past their endpoint&apos;s lock timeout, or unlocked and untouched as long
            (orphaned). Sorted by age: click the Age header to flip the order.
          </p>
        </div>
        <div className="toolbar">
          <UpdatedAgo at={q.dataUpdatedAt} />
        </div>
      </header>
      <form className="card filters" method="get" action="/stuck" aria-label="Filters">
        <label>
          Endpoint
          <input
            name="endpoint"
            defaultValue={query.endpoint}
            placeholder="any endpoint"
            maxLength={255}
          />
        </label>
        <label>
          Client
          <input name="scope" defaultValue={query.scope} placeholder="any" maxLength={255} />
        </label>
        <label>
          Lock owner
          <input
            name="lockOwner"
            defaultValue={query.lockOwner}
            placeholder="any"
            maxLength={255}
          />
        </label>
        <label>
          Older than
          <select name="minAgeSeconds" defaultValue={query.minAgeSeconds ?? 0}>
            {MIN_AGE_CHOICES.map((s) => (
              <option key={s} value={s}>
                {s === 0 ? "any age" : formatAge(s)}
              </option>
            ))}
          </select>
        </label>
        {query.order ? <input type="hidden" name="order" value={query.order} /> : null}
        <div className="actions">
          <button type="submit">Apply</button>
          {filtered ? <Link href="/stuck">Clear filters</Link> : null}
        </div>
      </form>
      {q.isError ? (
        <ListErrorBanner message={q.error.message} hasData={Boolean(data)} what="stuck keys" />
      ) : null}
      {outcome ? <OutcomeBanner outcome={outcome} /> : null}
      {bulkOutcome ? <BulkOutcomeBanner result={bulkOutcome} /> : null}
      {dialog ? (
        <KeyActionDialog
          target={dialog.key}
          action={dialog.action}
          explanation={viewer.layoutActions[dialog.action].text}
          onCancel={() => setDialog(null)}
          onDone={(o) => {
            setDialog(null);
            setOutcome(o);
            refresh();
          }}
        />
      ) : null}
      {data?.notCaptured ? (
        <Banner tone="info" title="Stuck keys need the store.">
          <span data-testid="stuck-not-captured">
            {capitalized(data.notCaptured)}. Requests, conflicts and duplicate successes are on the{" "}
            <Link href="/">Overview</Link>; a key&apos;s requests are on its page (search it under{" "}
            <Link href="/keys">Keys</Link>).
          </span>
        </Banner>
      ) : data ? (
        <section className="card">
          <div className="card-header">
            <h2 data-testid="stuck-total">
              {formatCount(data.total)} stuck {data.total === 1 ? "key" : "keys"}
              {filtered ? " matching the filters" : ""}
            </h2>
            {viewer.canWrite ? null : (
              <span className="muted" data-testid="write-disabled">
                Actions disabled: {viewer.reason}
              </span>
            )}
          </div>
          {data.items.length === 0 ? (
            <p className="empty-state">
              {filtered
                ? "No stuck key matches these filters."
                : "No stuck keys: every in-progress key is within its lock timeout."}
            </p>
          ) : (
            <StuckKeysTable
              rows={data.items}
              ageSort={{
                order: query.order ?? "oldest",
                href: `/stuck?${stuckSearch({ ...query, cursor: undefined, order: query.order ? undefined : "newest" })}`,
              }}
              actions={(k) => (
                <KeyActionButtons
                  viewer={viewer}
                  onPick={(action) => {
                    setOutcome(null);
                    setBulkOutcome(null);
                    setDialog({ key: k, action });
                  }}
                />
              )}
            />
          )}
          <Pager
            firstHref={
              query.cursor ? `/stuck?${stuckSearch({ ...query, cursor: undefined })}` : null
            }
            nextHref={
              data.nextCursor
                ? `/stuck?${stuckSearch({ ...query, cursor: data.nextCursor })}`
                : null
            }
          />
        </section>
      ) : q.isPending ? (
        <p className="muted">Loading…</p>
      ) : null}
      {viewer.canWrite &&
      data &&
      data.total > 0 &&
      (viewer.layoutActions.release.available || viewer.layoutActions.fail.available) ? (
        <BulkActions
          filter={{
            endpoint: query.endpoint,
            scope: query.scope,
            lockOwner: query.lockOwner,
            minAgeSeconds: query.minAgeSeconds || undefined,
          }}
          explanations={{
            release: viewer.layoutActions.release.text,
            fail: viewer.layoutActions.fail.text,
          }}
          onChanged={(result) => {
            setOutcome(null);
            setBulkOutcome(result);
            refresh();
          }}
        />
      ) : null}
    </div>
  );
}

function OutcomeBanner({ outcome }: { outcome: ActionOutcome }) {
  const k = outcome.key;
  const what = `${k.key} (${k.endpoint}, client ${k.scope})`;
  if (outcome.ok) {
    return (
      <Banner
        tone="info"
        title={`${outcome.action === "release" ? "Released" : "Failed"} ${what}.`}
      >
        <span data-testid="action-result">
          {outcome.action === "release"
            ? "The client's next retry runs the work again."
            : "Retries now get a definitive error."}{" "}
          <Link href={`/audit?keyId=${k.id}`}>Audit entry →</Link>
        </span>
      </Banner>
    );
  }
  return (
    <Banner
      tone={outcome.status === 409 ? "warn" : "bad"}
      title={`${outcome.action === "release" ? "Release" : "Fail"} of ${what}: nothing changed.`}
    >
      <span data-testid="action-result">{outcome.message}</span>
    </Banner>
  );
}

function BulkOutcomeBanner({ result }: { result: BulkResult }) {
  const verb = result.action === "release" ? "Released" : "Failed";
  return (
    <Banner
      tone="info"
      title={`${verb} ${formatCount(result.changed)} of ${formatCount(result.matched)} matching keys.`}
    >
      <span data-testid="bulk-result">
        {result.skippedLocked > 0
          ? `${formatCount(result.skippedLocked)} skipped: a writer held them at that moment. `
          : ""}
        {result.matched > result.changed + result.skippedLocked
          ? `${formatCount(result.matched - result.changed - result.skippedLocked)} left over the cap of ${formatCount(result.cap)}: run it again. `
          : ""}
        {result.batchId ? (
          <Link href={`/audit?batchId=${result.batchId}`}>See them in the audit log →</Link>
        ) : null}
      </span>
    </Banner>
  );
}
