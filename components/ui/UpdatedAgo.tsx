"use client";

import { useClock } from "./use-clock";

/** "updated 4 s ago", ticking every second; empty on the server (no hydration mismatch). */
export function UpdatedAgo({ at }: { at: number }) {
  const now = useClock();
  if (!at || now === null) return <span className="muted">&nbsp;</span>;
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  const text = seconds < 90 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
  return (
    <span className="muted" data-testid="updated-ago" title={new Date(at).toLocaleString()}>
      updated {text} ago
    </span>
  );
}
