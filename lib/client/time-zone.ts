// One way to write an instant everywhere (issue #34): day, month, 24-hour time and the zone's name,
// in the zone the viewer chose in the header, UTC or their own ("6 Dec 2026, 05:05:46 UTC",
// "5 Dec, 21:05:46 PST"). The choice lives in a cookie holding the zone itself, so the server
// renders a returning viewer's page in their zone and nothing changes when it hydrates.

/** The cookie: "UTC", or the viewer's own IANA zone when they chose local time. */
export const TIME_ZONE_COOKIE = "idemscope-tz";
export type TimeZoneChoice = "utc" | "local";

/** The zone a cookie names, when it is one this runtime knows; else UTC. */
export function zoneOfCookie(value: string | undefined): string {
  if (!value || value === "UTC") return "UTC";
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: value });
    return value;
  } catch {
    return "UTC";
  }
}

/** "UTC", "PST", "CET", "GMT+5:30": the zone's short name at that instant. */
export function zoneName(zone: string, at: Date = new Date()): string {
  if (zone === "UTC") return "UTC";
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    timeZoneName: "short",
  }).formatToParts(at);
  return parts.find((p) => p.type === "timeZoneName")?.value ?? zone;
}

export type InstantFormat = {
  /** the year too (an audit trail, a day months ago) */
  year?: boolean;
  /** minutes only */
  noSeconds?: boolean;
  /** leave the zone's name out (a column whose header names it) */
  noZone?: boolean;
  /** milliseconds too (a timeline of requests a few ms apart) */
  ms?: boolean;
};

/**
 * An instant in `zone`: "6 Dec 2026, 05:05:46 UTC". A fixed locale (en-GB: day before month, no
 * AM/PM) whatever the browser's, so server and browser write the same text; hourCycle h23, as
 * Node's ICU otherwise writes the hour after midnight as 24 where Chromium writes 00.
 */
export function formatInstant(iso: string, zone: string, o: InstantFormat = {}): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "–";
  const text = d.toLocaleString("en-GB", {
    timeZone: zone,
    day: "numeric",
    month: "short",
    ...(o.year ? { year: "numeric" } : {}),
    hour: "2-digit",
    minute: "2-digit",
    ...(o.noSeconds ? {} : { second: "2-digit" }),
    ...(o.ms ? { fractionalSecondDigits: 3 } : {}),
    hourCycle: "h23",
  });
  return o.noZone ? text : `${text} ${zoneName(zone, d)}`;
}

/** The time of day alone, "05:05:46", in `zone` (a timeline under its day's heading). */
export function formatClock(iso: string, zone: string): string {
  return new Date(iso).toLocaleTimeString("en-GB", {
    timeZone: zone,
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
}

/** The day alone, "Sat 5 Dec 2026", in `zone` (the heading of a timeline's day). */
export function formatDayOf(iso: string, zone: string): string {
  return new Date(iso).toLocaleDateString("en-GB", {
    timeZone: zone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
  });
}
