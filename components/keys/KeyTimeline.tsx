"use client";

import type { LifecycleEvent } from "@/lib/client/api-types/keys";
import { formatMs } from "@/lib/client/format";
import { useTimeFormat } from "@/components/ui/TimeZone";
import { executionsOf, relativeTime } from "@/lib/client/executions";

// What each kind of event means, in the words of someone reading the story at 3 a.m.
const KINDS: Record<string, { icon: string; label: string; tone: string }> = {
  claimed: { icon: "▶", label: "Claimed: new work started", tone: "claim" },
  reclaimed: { icon: "↻", label: "Reclaimed: lock expired, work runs again", tone: "reclaim" },
  completed: { icon: "✓", label: "Completed", tone: "ok" },
  failed: { icon: "✕", label: "Failed (stored error)", tone: "bad" },
  replayed: { icon: "⟲", label: "Replayed the stored response", tone: "replay" },
  conflict: { icon: "⏸", label: "Conflict 409: still in progress", tone: "warn" },
  mismatch: { icon: "≠", label: "Mismatch 422: same key, different payload", tone: "bad" },
  // plain symbols: emoji render as an empty box where the system has no emoji font
  released: { icon: "↺", label: "Released by an operator", tone: "op" },
  failed_manually: { icon: "■", label: "Failed by an operator", tone: "op" },
  expired: { icon: "⌛", label: "Expired: removed after its TTL", tone: "muted" },
};

export function KeyTimeline({
  events,
  storedHash,
  duplicateAt,
}: {
  events: LifecycleEvent[];
  /** the key's own fingerprint: a request with another one is highlighted */
  storedHash: string | null;
  /** the second successful completion, marked in the timeline */
  duplicateAt: string | null;
}) {
  const f = useTimeFormat();
  const first = events[0];
  if (!first) return <p className="empty-state">No event recorded for this key.</p>;
  const { byEvent } = executionsOf(events);
  return (
    <ol className="timeline" aria-label="Events">
      {events.map((e) => {
        const k = KINDS[e.kind] ?? { icon: "•", label: e.kind, tone: "muted" };
        const exec = byEvent.get(e.id);
        const duplicate = duplicateAt !== null && e.at === duplicateAt && e.kind === "completed";
        return (
          <li
            key={e.id}
            className={`tl tl-${k.tone}${duplicate ? " tl-duplicate" : ""}`}
            data-kind={e.kind}
          >
            <span className="tl-icon" aria-hidden>
              {k.icon}
            </span>
            <span className="tl-when">
              <time className="mono" dateTime={e.at} title={e.at}>
                {f.instant(e.at, { ms: true })}
              </time>
              <span className="muted">{relativeTime(first.at, e.at)}</span>
            </span>
            <span className="tl-what">
              <strong>{k.label}</strong>
              {exec ? <span className="tl-exec">execution #{exec}</span> : null}
              {duplicate ? <span className="tl-dup-badge">duplicate success</span> : null}
              <span className="muted tl-facts">
                {e.instance ? `on ${e.instance}` : ""}
                {e.responseCode !== null ? ` · response ${e.responseCode}` : ""}
                {e.latencyMs !== null ? ` · ${formatMs(e.latencyMs)}` : ""}
                {e.requestHash && storedHash && e.requestHash !== storedHash ? (
                  <span className="tone-text-bad"> · different fingerprint</span>
                ) : null}
              </span>
            </span>
            <span className="tl-links">
              {e.traceUrl ? (
                <a href={e.traceUrl} target="_blank" rel="noreferrer noopener">
                  trace ↗
                </a>
              ) : e.traceId ? (
                <span className="muted mono" title="Set IDEMSCOPE_TRACE_URL to link traces">
                  {e.traceId.slice(0, 12)}
                </span>
              ) : null}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
