"use client";

import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useSyncExternalStore,
} from "react";
import type { ReactNode } from "react";
import {
  formatClock,
  formatDayOf,
  formatInstant,
  TIME_ZONE_COOKIE,
  zoneName,
  type InstantFormat,
  type TimeZoneChoice,
} from "@/lib/client/time-zone";

type TimeZoneState = {
  /** the zone every instant is written in: "UTC" or an IANA name */
  zone: string;
  choice: TimeZoneChoice;
  choose: (choice: TimeZoneChoice) => void;
};

const TimeZoneContext = createContext<TimeZoneState>({
  zone: "UTC",
  choice: "utc",
  choose: () => undefined,
});

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

function cookieZone(): string | null {
  const cookie = document.cookie.split("; ").find((c) => c.startsWith(`${TIME_ZONE_COOKIE}=`));
  return cookie ? decodeURIComponent(cookie.slice(TIME_ZONE_COOKIE.length + 1)) : null;
}

function remember(zone: string) {
  document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
  for (const l of listeners) l();
}

// the choice lives in the cookie; the browser's zone in Intl: an external store, read as
// "utc|UTC" or "local|America/Los_Angeles"
const listeners = new Set<() => void>();
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => {
    listeners.delete(l);
  };
};
const clientSnapshot = () => (cookieZone() === "UTC" ? "utc|UTC" : `local|${browserZone()}`);

/**
 * The viewer's time zone for every page (lib/client/time-zone.ts). `initialZone` is what the
 * server rendered in (the cookie's zone, UTC on a first visit), and what hydration renders; then
 * a viewer who has not chosen UTC gets their browser's zone, which the cookie remembers for the
 * next page (a viewer who travelled gets their new one).
 */
export function TimeZoneProvider({
  initialZone,
  children,
}: {
  initialZone: string;
  children: ReactNode;
}) {
  const snapshot = useSyncExternalStore(subscribe, clientSnapshot, () =>
    initialZone === "UTC" ? "utc|UTC" : `local|${initialZone}`,
  );
  const [choice, zone] = snapshot.split("|") as [TimeZoneChoice, string];
  // (read from the cookie, not from `zone`: while hydrating, that is still the server's)
  useEffect(() => {
    const saved = cookieZone();
    // a first visit, or a local viewer whose browser is elsewhere now: their own zone
    if (saved === null || (saved !== "UTC" && saved !== browserZone())) remember(browserZone());
  }, []);
  const choose = useCallback((next: TimeZoneChoice) => {
    remember(next === "utc" ? "UTC" : browserZone());
  }, []);
  const value = useMemo<TimeZoneState>(() => ({ zone, choice, choose }), [zone, choice, choose]);
  return <TimeZoneContext.Provider value={value}>{children}</TimeZoneContext.Provider>;
}

export function useTimeZone(): TimeZoneState {
  return useContext(TimeZoneContext);
}

/** Formatters in the viewer's zone, for times inside sentences passed around as text. */
export function useTimeFormat() {
  const { zone } = useTimeZone();
  return useMemo(
    () => ({
      zone,
      zoneName: (at?: Date) => zoneName(zone, at),
      instant: (iso: string, o?: InstantFormat) => formatInstant(iso, zone, o),
      clock: (iso: string) => formatClock(iso, zone),
      day: (iso: string) => formatDayOf(iso, zone),
    }),
    [zone],
  );
}

/** An instant in the viewer's zone, its exact UTC time on hover. */
export function Instant({ iso, ...o }: { iso: string } & InstantFormat) {
  const f = useTimeFormat();
  return (
    <time dateTime={iso} title={new Date(iso).toISOString()}>
      {f.instant(iso, o)}
    </time>
  );
}

/** The header's switch between the viewer's own time and UTC (Grafana's and Temporal's). */
export function TimeZoneSwitch() {
  const { choice, choose, zone } = useTimeZone();
  return (
    <label className="tz-switch">
      <span>Times in</span>
      <select
        value={choice}
        onChange={(e) => choose(e.target.value as TimeZoneChoice)}
        aria-label="Time zone for every time shown"
      >
        <option value="local">local time{choice === "local" ? ` (${zoneName(zone)})` : ""}</option>
        <option value="utc">UTC</option>
      </select>
    </label>
  );
}
