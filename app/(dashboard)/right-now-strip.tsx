"use client";

import { useQuery } from "@tanstack/react-query";
import { AppLink as Link } from "@/components/ui/AppLink";
import { formatAge, formatCount } from "@/lib/client/format";
import { rightNowQuery } from "@/lib/client/queries/overview";

const plural = (n: number, one: string, many: string) =>
  `${formatCount(n)} ${n === 1 ? one : many}`;

/**
 * Right now, whatever the range below: the duplicates of the last 15 minutes, the stuck keys and
 * the oldest's age, the overdue reconciliations; each leads to where it is acted on. Rendered with
 * the page (prefetched) and always one line high, so it never moves the page when it changes.
 */
export function RightNowStrip({ refetchInterval }: { refetchInterval: number | false }) {
  const { data } = useQuery({ ...rightNowQuery(), refetchInterval });
  if (!data) return <div className="right-now" aria-hidden="true" />;
  const stuck = data.stuck;
  const items = [
    {
      href: "/duplicates",
      tone: data.duplicates15m > 0 ? "bad" : "ok",
      text: `${plural(data.duplicates15m, "duplicate success", "duplicate successes")} in the last 15 min`,
      testId: "now-duplicates",
    },
    {
      href: "/stuck",
      tone: stuck === null ? "neutral" : stuck.count > 0 ? "warn" : "ok",
      text:
        stuck === null
          ? "stuck keys: not visible without the store"
          : stuck.count > 0 && stuck.oldestSeconds !== null
            ? `${plural(stuck.count, "stuck key", "stuck keys")}, the oldest for ${formatAge(stuck.oldestSeconds)}`
            : "no stuck key",
      testId: "now-stuck",
    },
    {
      href: "/duplicates",
      tone: data.overdue.count > 0 ? "bad" : "ok",
      text: `${plural(data.overdue.count, "reconciliation", "reconciliations")} overdue (open over ${data.overdue.withinHours} h)`,
      testId: "now-overdue",
    },
  ];
  return (
    <nav className="right-now" aria-label="Right now">
      <strong className="right-now-title">Right now</strong>
      {items.map((i) => (
        <Link
          key={i.testId}
          href={i.href}
          className={`right-now-item tone-text-${i.tone}`}
          data-testid={i.testId}
        >
          {i.text}
        </Link>
      ))}
    </nav>
  );
}
