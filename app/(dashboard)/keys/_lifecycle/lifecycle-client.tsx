"use client";

import { explainDuplicate } from "@/lib/client/explain-duplicate";
import { AppLink as Link } from "@/components/ui/AppLink";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { AttemptWaterfall, type WaterfallRow } from "@/components/charts/AttemptWaterfall";
import { FingerprintCompare } from "@/components/keys/FingerprintCompare";
import { KeyTimeline } from "@/components/keys/KeyTimeline";
import { Instant, useTimeFormat } from "@/components/ui/TimeZone";
import { AuditTable } from "@/components/tables/AuditTable";
import { Banner } from "@/components/ui/Banner";
import { ListErrorBanner } from "@/components/ui/ListErrorBanner";
import { KeyActionButtons } from "@/components/ui/KeyActionButtons";
import { StatusBadge } from "@/components/ui/StatusBadge";
import { UpdatedAgo } from "@/components/ui/UpdatedAgo";
import type { KeyAction } from "@/lib/client/api-types/actions";
import type { KeyLifecycle } from "@/lib/client/api-types/keys";
import type { ViewerInfo } from "@/lib/client/api-types/viewer";
import { formatAge, formatCount } from "@/lib/client/format";
import { executionsOf } from "@/lib/client/executions";
import { ApiFetchError } from "@/lib/client/queries/fetch-json";
import { lifecyclePageUrl, lifecycleQuery, type IntentAddress } from "@/lib/client/queries/keys";
import { KeyActionDialog, type ActionOutcome } from "../../stuck/key-action-dialog";
import { DuplicateCallout } from "./duplicate-callout";
import { RevealResponse } from "./reveal-response-button";

/** An axis label fits 24 characters: a long instance id (a UUID) keeps its start and end. */
const shortInstance = (instance: string | null) =>
  !instance
    ? "?"
    : instance.length <= 24
      ? instance
      : `${instance.slice(0, 10)}…${instance.slice(-8)}`;

function waterfallRows(data: KeyLifecycle, now: number): WaterfallRow[] {
  const first = data.events[0];
  if (!first) return [];
  const t0 = Date.parse(first.at);
  const rows: WaterfallRow[] = executionsOf(data.events).executions.map((x) => ({
    label: `#${x.n} ${x.kind === "reclaimed" ? "reclaim" : "claim"} on ${shortInstance(x.instance)}`,
    offset: (Date.parse(x.startAt) - t0) / 1000,
    duration: ((x.end ? Date.parse(x.end.at) : now) - Date.parse(x.startAt)) / 1000,
    kind: x.kind,
    finished: x.end !== null,
  }));
  for (const e of data.events) {
    if (e.kind !== "replayed") continue;
    const ms = e.latencyMs ?? 0;
    rows.push({
      label: `replay on ${shortInstance(e.instance)}`,
      offset: (Date.parse(e.at) - ms - t0) / 1000,
      duration: ms / 1000,
      kind: "replayed",
      finished: true,
    });
  }
  return rows.sort((a, b) => a.offset - b.offset).slice(0, 30);
}

export function LifecycleClient({
  address,
  viewer,
}: {
  address: IntentAddress;
  viewer: ViewerInfo;
}) {
  const queryClient = useQueryClient();
  const q = useQuery({ ...lifecycleQuery(address), refetchInterval: 10_000 });
  const [action, setAction] = useState<KeyAction | null>(null);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const [copied, setCopied] = useState(false);
  const time = useTimeFormat();
  const data = q.data;
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["lifecycle"] });

  if (!data) {
    const notFound = q.error instanceof ApiFetchError && q.error.status === 404;
    return (
      <div className="page">
        <h1>Key lifecycle</h1>
        {q.isError ? (
          <Banner
            tone={notFound ? "warn" : "bad"}
            title={notFound ? "No such key." : "Cannot load this key."}
          >
            {q.error.message} <Link href="/keys">Search keys →</Link>
          </Banner>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </div>
    );
  }

  const k = data.key;
  const stable = lifecyclePageUrl(data.intent);
  const storedHash =
    k?.requestHash ?? data.events.find((e) => e.kind === "claimed")?.requestHash ?? null;
  const mismatches = data.events.filter(
    (e) => e.kind === "mismatch" && e.requestHash && storedHash && e.requestHash !== storedHash,
  );
  const rows = waterfallRows(data, q.dataUpdatedAt);
  const duplicateAt = data.duplicate?.successes[1]?.at ?? null;
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <p className="muted">
            <Link href="/keys">Key search</Link> › {data.intent.scope} › {data.intent.endpoint}
          </p>
          <h1 className="mono key-title">{data.intent.key}</h1>
          <p className="lifecycle-status">
            <StatusBadge
              status={k ? (k.stuck ? "stuck" : k.status) : (data.lastOutcome ?? "purged")}
            />
            {data.storeNotRead ? (
              <span
                className="muted"
                title={data.storeNotRead}
                data-testid="lifecycle-store-not-read"
              >
                the outcome of its last request seen in spans (the store is not read)
              </span>
            ) : null}
            <span className="muted">
              {formatCount(data.events.length)} {data.events.length === 1 ? "event" : "events"}
              {data.eventsTruncated ? " (the first 1,000 shown)" : ""}
            </span>
          </p>
        </div>
        <div className="toolbar">
          <UpdatedAgo at={q.dataUpdatedAt} />
          <button
            type="button"
            onClick={() => {
              void navigator.clipboard
                ?.writeText(window.location.origin + stable)
                .then(() => setCopied(true));
            }}
          >
            {copied ? "Link copied" : "Copy link"}
          </button>
        </div>
      </header>
      {q.isError ? <ListErrorBanner message={q.error.message} hasData what="this key" /> : null}
      {data.duplicate ? (
        <DuplicateCallout
          explanation={
            // the API explains in UTC; here, in the viewer's zone
            explainDuplicate(
              data.events,
              data.audit,
              !data.storeNotRead,
              (iso) => `${time.clock(iso)} ${time.zoneName(new Date(iso))}`,
            ) ?? data.duplicate
          }
          record={data.duplicateRecord}
          viewer={viewer}
        />
      ) : null}
      {outcome ? (
        <Banner
          tone={outcome.ok ? "info" : "warn"}
          title={
            outcome.ok
              ? `${outcome.action === "release" ? "Released" : "Failed"}.`
              : "Nothing changed."
          }
        >
          {outcome.ok ? "The change and its audit row are recorded below." : outcome.message}
        </Banner>
      ) : null}
      <section className="card">
        {k ? (
          <dl className="facts facts-wide">
            <dt>Client</dt>
            <dd>{k.scope}</dd>
            <dt>Endpoint</dt>
            <dd className="mono">{k.endpoint}</dd>
            <dt>Created</dt>
            <dd>
              <Instant iso={k.createdAt} /> (
              {formatAge((q.dataUpdatedAt - Date.parse(k.createdAt)) / 1000)} ago)
            </dd>
            <dt>Expires</dt>
            <dd>
              <Instant iso={k.expiresAt} />{" "}
              {k.ttlLeftSeconds > 0
                ? `(TTL left ${formatAge(k.ttlLeftSeconds)})`
                : "(past its expiry: the purger has not removed it yet)"}
            </dd>
            <dt>Requests seen</dt>
            <dd>{formatCount(k.attempts)}</dd>
            <dt>Lock</dt>
            <dd>
              {k.lockedAt
                ? `held by ${k.lockOwner ?? "?"} for ${formatAge(k.ageSeconds)}`
                : "not locked"}{" "}
              · lock timeout {formatAge(k.lockTimeoutSeconds)}
              {k.recoveryPoint ? ` · recovery point ${k.recoveryPoint}` : ""}
            </dd>
            <dt>Fingerprint</dt>
            <dd className="mono">{k.requestHash}</dd>
            <dt>Stored response</dt>
            <dd>
              {k.response ? (
                <>
                  <span>
                    {k.responseCode ?? "–"} · up to {formatCount(k.response.approxBytes)} bytes ·
                    fingerprint <span className="mono">{k.response.fingerprint}</span>{" "}
                    (redacted){" "}
                  </span>
                  <RevealResponse keyId={k.id} viewer={viewer} onRevealed={refresh} />
                </>
              ) : (
                "none yet"
              )}
            </dd>
          </dl>
        ) : data.storeNotRead ? (
          <p className="muted">
            The key&apos;s record is in a store idemscope does not read; this story comes from the
            service&apos;s spans.
          </p>
        ) : (
          <p className="muted">
            The key&apos;s row was purged (its TTL passed); this story comes from its events, which
            outlive it.
          </p>
        )}
        {k?.stuck ? (
          <div className="actions stuck-actions">
            <strong className="tone-text-bad">Stuck for {formatAge(k.ageSeconds)}.</strong>
            <KeyActionButtons
              viewer={viewer}
              ellipsis
              onPick={(a) => {
                setOutcome(null);
                setAction(a);
              }}
            />
          </div>
        ) : null}
      </section>
      {k && action ? (
        <KeyActionDialog
          target={{
            id: k.id,
            scope: k.scope,
            endpoint: k.endpoint,
            key: k.key,
            lockedAt: k.lockedAt,
            ageSeconds: k.ageSeconds,
            lockOwner: k.lockOwner,
            attempts: k.attempts,
            recoveryPoint: k.recoveryPoint,
            lockTimeoutSeconds: k.lockTimeoutSeconds,
          }}
          action={action}
          explanation={viewer.layoutActions[action].text}
          onCancel={() => setAction(null)}
          onDone={(o) => {
            setAction(null);
            setOutcome(o);
            refresh();
          }}
        />
      ) : null}
      {rows.length > 0 ? (
        <section className="card">
          <h2>Attempts</h2>
          <AttemptWaterfall rows={rows} />
        </section>
      ) : null}
      {mismatches.length > 0 && storedHash ? (
        <section className="card">
          <h2>Payload mismatches</h2>
          <p className="muted">
            The same key came with a different request (422): the client reused a key for another
            payload.
          </p>
          {mismatches.slice(0, 5).map((e) => (
            <FingerprintCompare
              key={e.id}
              stored={storedHash}
              other={e.requestHash as string}
              at={e.at}
            />
          ))}
        </section>
      ) : null}
      <section className="card">
        <h2>Timeline</h2>
        {data.capturedSince && data.key && data.key.createdAt < data.capturedSince ? (
          <p className="muted" data-testid="timeline-before-capture">
            This key was created <Instant iso={data.key.createdAt} />, before capture began (
            <Instant iso={data.capturedSince} />
            ): its timeline starts there.{" "}
            {data.importedBefore
              ? "Its first request and its outcome before then were imported from its row into the totals; retries and replays before then were never recorded."
              : "Nothing before then was recorded."}
          </p>
        ) : null}
        <KeyTimeline events={data.events} storedHash={storedHash} duplicateAt={duplicateAt} />
        {!data.traceUrlConfigured ? (
          <p className="muted">
            Set IDEMSCOPE_TRACE_URL (e.g. https://tempo.example/trace/&#123;traceId&#125;) to link
            each request to its trace.
          </p>
        ) : null}
      </section>
      <section className="card">
        <h2>Operator actions</h2>
        {data.audit.length === 0 ? (
          <p className="empty-state">None on this key.</p>
        ) : (
          <AuditTable rows={data.audit} />
        )}
      </section>
    </div>
  );
}
