"use client";

import { useSyncExternalStore } from "react";
import { formatDateTime } from "@/lib/client/format";

const noSubscription = () => () => {};
/** What the server and a hydrating browser both write: the server knows neither the viewer's zone nor locale. */
const SHARED = { locale: "en-US", timeZone: "UTC" };

/**
 * A time in the viewer's zone and locale. Server and hydration render it in UTC, identically, and
 * the same node then switches (for a viewer in UTC and en-US, to the same text: nothing moves): a time formatted in the server's zone failed hydration, and React
 * rendered the whole page again, losing a click in flight (docs/reliability.md).
 */
export function LocalDateTime({ iso, withYear = false }: { iso: string; withYear?: boolean }) {
  const format = useDateTimeFormat();
  return (
    <time dateTime={iso} title={iso}>
      {format(iso, withYear)}
    </time>
  );
}

/** The same, as a function, for a time inside a sentence that is passed around as text. */
export function useDateTimeFormat(): (iso: string, withYear?: boolean) => string {
  const hydrated = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  return (iso, withYear = false) => formatDateTime(iso, withYear, hydrated ? undefined : SHARED);
}
