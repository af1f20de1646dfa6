// The executive view (docs/api.md, "Pages"): per day, requests, duplicates prevented, duplicate success
// rate against its target, operator interventions; a verdict in one line; interventions per
// month; store growth (as on the Store page). From day rollups, the audit log and size samples
// only: no raw scans.
import "server-only";
import { sourceSummary } from "../../ingest/sources/summary";
import type { Queryable, StoreContext } from "../../contract/context";
import { DUPLICATE_SUCCESS_TARGET } from "../../client/api-types/overview";
import {
  TREND_DAYS,
  type TrendDay,
  type TrendMonth,
  type TrendRange,
  type Trends,
  type TrendVerdict,
} from "../../client/api-types/trends";
import { formatCount, formatPercent } from "../../client/format";
import type { TableNames } from "../../contract/tables";
import { getMoneyInDuplicates } from "./money";
import { openDuplicates, overdueBefore, reconciliationsPerMonth } from "./reconciliation";
import { storeGrowthSummary } from "./store-report";

/** Metric M5: reconciliation fixes per month, 0–5 (the idempotency guidance). */
export const RECONCILIATION_TARGET = { min: 0, max: 5 };

const REQUEST_KINDS = ["claimed", "reclaimed", "replayed", "conflict", "mismatch"];

async function listDays(
  db: Queryable,
  t: TableNames,
  days: number,
  importedBefore: string | null,
): Promise<TrendDay[]> {
  const r = t.ownTable;
  const rows = await db.query<Omit<TrendDay, "duplicateSuccessRate" | "imported" | "partial">>(
    `WITH d AS (
       SELECT generate_series(date_trunc('day', now()) - make_interval(days => $1 - 1),
                              date_trunc('day', now()), interval '1 day') AS day
     ), ev AS (
       SELECT bucket, sum(events) FILTER (WHERE kind = ANY($2))::float8 AS requests,
              sum(events) FILTER (WHERE kind = 'replayed')::float8 AS replayed
         FROM ${r("rollup_events")}
        WHERE resolution = 'day' AND bucket >= (SELECT min(day) FROM d)
        GROUP BY bucket
     ), su AS (
       SELECT bucket, sum(first_successes)::float8 AS first, sum(duplicate_successes)::float8 AS dup
         FROM ${r("rollup_successes")}
        WHERE resolution = 'day' AND bucket >= (SELECT min(day) FROM d)
        GROUP BY bucket
     ), au AS (
       SELECT date_trunc('day', at) AS bucket, count(*)::int AS n
         FROM ${r("audit_log")}
        WHERE action IN ('release', 'fail') AND at >= (SELECT min(day) FROM d)
        GROUP BY 1
     )
     SELECT to_char(d.day, 'YYYY-MM-DD') AS day, coalesce(ev.requests, 0) AS requests,
            coalesce(ev.replayed, 0) AS replayed, coalesce(su.dup, 0) AS "duplicateSuccesses",
            coalesce(su.first, 0) AS "succeededIntents", coalesce(au.n, 0) AS interventions
       FROM d LEFT JOIN ev ON ev.bucket = d.day LEFT JOIN su ON su.bucket = d.day
       LEFT JOIN au ON au.bucket = d.day
      ORDER BY d.day`,
    [days, REQUEST_KINDS],
  );
  const before = importedBefore === null ? null : Date.parse(importedBefore);
  return rows.rows.map((d) => {
    const start = Date.parse(`${d.day}T00:00:00Z`);
    const imported =
      before === null
        ? null
        : start + 86_400_000 <= before
          ? "all"
          : start < before
            ? "part"
            : null;
    return {
      ...d,
      imported,
      partial: start + 86_400_000 > Date.now(),
      // imported rows say nothing of duplicates: no rate rather than a zero that looks perfect
      duplicateSuccessRate:
        d.succeededIntents && imported !== "all" ? d.duplicateSuccesses / d.succeededIntents : null,
    };
  });
}

async function worstEndpoint(
  db: Queryable,
  t: TableNames,
  day: string,
): Promise<{ endpoint: string; n: number } | null> {
  const r = await db.query<{ endpoint: string; n: number }>(
    `SELECT endpoint, duplicate_successes::float8 AS n FROM ${t.ownTable("rollup_successes")}
      WHERE resolution = 'day' AND bucket = $1::date AND duplicate_successes > 0
      ORDER BY duplicate_successes DESC, endpoint LIMIT 1`,
    [day],
  );
  return r.rows[0] ?? null;
}

async function listMonths(db: Queryable, t: TableNames): Promise<TrendMonth[]> {
  const r = await db.query<TrendMonth>(
    `SELECT to_char(m, 'YYYY-MM') AS month,
            count(a.id) FILTER (WHERE a.action = 'release')::int AS releases,
            count(a.id) FILTER (WHERE a.action = 'fail')::int AS fails
       FROM generate_series(date_trunc('month', now()) - interval '11 months',
                            date_trunc('month', now()), interval '1 month') AS m
       LEFT JOIN ${t.ownTable("audit_log")} a
         ON a.at >= m AND a.at < m + interval '1 month' AND a.action IN ('release', 'fail')
      GROUP BY m ORDER BY m`,
  );
  return r.rows;
}

function formatDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });
}

/** The day with the highest rate (then the most duplicates) among days with duplicates. */
export function worstDayOf(days: TrendDay[]): TrendDay | undefined {
  return days
    .filter((d) => d.duplicateSuccessRate !== null && d.duplicateSuccesses > 0 && !d.partial)
    .sort(
      (a, b) =>
        (b.duplicateSuccessRate as number) - (a.duplicateSuccessRate as number) ||
        b.duplicateSuccesses - a.duplicateSuccesses,
    )[0];
}

export function verdictOf(
  days: TrendDay[],
  target: number,
  worstEndpointOfDay: { endpoint: string; n: number } | null,
): TrendVerdict {
  // whole days only: today's rate moves until midnight (UTC), and a verdict must not flip with it
  const measured = days.filter((d) => d.duplicateSuccessRate !== null && !d.partial);
  const within = measured.filter((d) => (d.duplicateSuccessRate as number) <= target);
  const worstDay = worstDayOf(days);
  const worst = worstDay
    ? {
        day: worstDay.day,
        rate: worstDay.duplicateSuccessRate as number,
        duplicateSuccesses: worstDay.duplicateSuccesses,
        endpoint: worstEndpointOfDay?.endpoint ?? null,
        endpointDuplicates: worstEndpointOfDay?.n ?? 0,
      }
    : null;
  let summary: string;
  // days wholly before capture: imported rows cannot tell a duplicate, they are not judged
  const imported = days.filter((d) => d.imported === "all").length;
  const today = days.find((d) => d.partial);
  const whole = days.filter((d) => !d.partial).length;
  const unjudged = (n: number) =>
    [
      imported ? `${imported} before capture began, which recorded no duplicates` : "",
      n - imported ? `${n - imported} without traffic` : "",
    ]
      .filter(Boolean)
      .join(", ");
  if (measured.length === 0)
    summary = imported
      ? `Nothing to judge yet: ${unjudged(whole)}.`
      : "No successful request in this range: nothing to judge yet.";
  else {
    summary = `Within target on ${within.length} of ${measured.length} days`;
    if (measured.length < whole) summary += ` (${unjudged(whole - measured.length)})`;
    if (worst) {
      summary += `; worst day ${formatDay(worst.day)}: ${formatPercent(worst.rate)}, ${formatCount(worst.duplicateSuccesses)} duplicate ${worst.duplicateSuccesses === 1 ? "success" : "successes"}`;
      if (worst.endpoint)
        summary += ` (${formatCount(worst.endpointDuplicates)} on ${worst.endpoint})`;
    } else summary += "; no duplicate success at all";
    summary += ".";
  }
  if (today?.duplicateSuccessRate != null)
    summary += ` Today so far: ${formatPercent(today.duplicateSuccessRate)}.`;
  return { daysWithinTarget: within.length, daysMeasured: measured.length, worst, summary };
}

/** `sampledTables`: the store tables the collector samples (keys and events table names). */
export async function getTrends(
  ctx: StoreContext,
  range: TrendRange,
  sampledTables: string[],
): Promise<Trends> {
  const { db, tables: t } = ctx;
  const n = TREND_DAYS[range];
  const source = sourceSummary(ctx);
  const [days, months, store, reconciled, open, money] = await Promise.all([
    listDays(db, t, n, source.importedBefore),
    listMonths(db, t),
    storeGrowthSummary(ctx, sampledTables, n),
    reconciliationsPerMonth(db, t),
    openDuplicates(db, t, overdueBefore(ctx.config)),
    getMoneyInDuplicates(ctx, n),
  ]);
  const target = DUPLICATE_SUCCESS_TARGET;
  const worstDay = worstDayOf(days);
  const worstEp = worstDay ? await worstEndpoint(db, t, worstDay.day) : null;
  const sum = (pick: (d: TrendDay) => number, of = days) => of.reduce((s, d) => s + pick(d), 0);
  // the rate over the days that could record a duplicate (not those wholly imported)
  const measurable = days.filter((d) => d.imported !== "all");
  const succeeded = sum((d) => d.succeededIntents, measurable);
  const dups = sum((d) => d.duplicateSuccesses, measurable);
  return {
    range,
    target,
    days,
    totals: {
      requests: sum((d) => d.requests),
      replayed: sum((d) => d.replayed),
      duplicateSuccesses: dups,
      succeededIntents: succeeded,
      duplicateSuccessRate: succeeded ? dups / succeeded : null,
      interventions: sum((d) => d.interventions),
    },
    verdict: verdictOf(days, target, worstEp),
    months,
    store,
    reconciliation: {
      months: reconciled,
      target: RECONCILIATION_TARGET,
      open: open.count,
      oldestOpenFirstRequestAt: open.oldestFirstRequestAt,
    },
    money,
    source,
  };
}
