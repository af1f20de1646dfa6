// Axis and tooltip time labels that fit the bucket size, in the viewer's chosen zone
// (components/ui/TimeZone.tsx): day and month, 24-hour time, as every other time on the pages.
import { formatInstant } from "@/lib/client/time-zone";

export function formatBucketTick(iso: string, bucketSeconds: number, zone: string): string {
  const d = new Date(iso);
  if (bucketSeconds >= 86_400)
    return d.toLocaleDateString("en-GB", { timeZone: zone, day: "numeric", month: "short" });
  if (bucketSeconds >= 3_600) return formatInstant(iso, zone, { noSeconds: true, noZone: true });
  return d.toLocaleTimeString("en-GB", {
    timeZone: zone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
}

export function formatBucketLabel(iso: string, bucketSeconds: number, zone: string): string {
  return `${formatInstant(iso, zone, { noSeconds: true })} (${bucketName(bucketSeconds)} bucket)`;
}

export function bucketName(bucketSeconds: number): string {
  if (bucketSeconds % 86_400 === 0)
    return bucketSeconds === 86_400 ? "day" : `${bucketSeconds / 86_400} days`;
  if (bucketSeconds % 3_600 === 0)
    return bucketSeconds === 3_600 ? "hour" : `${bucketSeconds / 3_600} h`;
  return bucketSeconds === 60 ? "min" : `${bucketSeconds / 60} min`;
}

/** "14 Nov" for a UTC day "2026-11-14" (Trends' x axis). */
export function formatDayTick(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });
}

/** "Nov 2026" for a month "2026-11" ("Nov 26" read as a day). */
export function formatMonthTick(month: string): string {
  return new Date(`${month}-01T00:00:00Z`).toLocaleDateString("en-GB", {
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}
