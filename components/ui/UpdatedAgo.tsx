"use client";

import { useClock } from "./use-clock";
import { useTimeFormat } from "./TimeZone";

/**
 * "updated 4 s ago", ticking every second. Before the clock runs (on the server, while
 * hydrating) it holds the same room, invisibly: a label that appeared only after hydration would
 * push the page down under a finger or a pointer that is already on its way (a click that lands
 * on whatever moved in).
 */
export function UpdatedAgo({ at }: { at: number }) {
  const now = useClock();
  const f = useTimeFormat();
  if (!at || now === null)
    return (
      <span className="muted updated-ago" aria-hidden="true" style={{ visibility: "hidden" }}>
        updated 0 s ago
      </span>
    );
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  const text = seconds < 90 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
  return (
    <span
      className="muted updated-ago"
      data-testid="updated-ago"
      title={f.instant(new Date(at).toISOString())}
    >
      updated {text} ago
    </span>
  );
}
