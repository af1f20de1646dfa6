// The Store page (docs/store-contract.md: "store growth", §4.6): size per table over time from the collector's
// catalog samples (never counting), growth per day and the date the budget is reached, new and
// purged keys per day, purger health from the expires_at index, and the TTL advisor.
import { storeSizeNames } from "../../fold/size-sampler";
import { readCaptureState } from "../../ingest/sources/capture-state";
import { sourceSummary } from "../../ingest/sources/summary";
import "server-only";
import type { Queryable, StoreContext } from "../../contract/context";
import type { StoreGrowthSummary } from "../../client/api-types/trends";
import {
  STORE_DAYS,
  type CreatedExpiredDay,
  type Projection,
  type PurgerHealth,
  type StoreRange,
  type StoreReport,
  type StoreTable,
} from "../../client/api-types/store";
import { formatAge, formatBytes, formatCount } from "../../client/format";
import type { TableNames } from "../../contract/tables";
import { noEventsTableMessage, storeCapabilities } from "./capabilities";
import { ttlAdvisor } from "./ttl-advisor";
import { growthFromCreation, type Growth } from "./growth-from-creation";

/** Chart points per range: hourly for a week, 6-hourly for a month, daily beyond. */
const SAMPLE_SECONDS: Record<StoreRange, number> = { "7d": 3600, "30d": 6 * 3600, "90d": 86_400 };
const sampleSecondsFor = (days: number) => (days <= 7 ? 3600 : days <= 30 ? 6 * 3600 : 86_400);
/** Expired keys are counted up to this many (an index range scan, bounded). */
export const EXPIRED_COUNT_CAP = 100_000;

async function sizeHistory(
  db: Queryable,
  t: TableNames,
  names: string[],
  days: number,
  step: number,
): Promise<StoreTable[]> {
  // One index probe per table and bucket: the last sample in each bucket.
  const r = await db.query<{ name: string; t: Date; rows: number; bytes: number }>(
    `SELECT n.name, s.at AS t, s.rows::float8 AS rows, s.bytes::float8 AS bytes
       FROM unnest($1::text[]) AS n(name)
      CROSS JOIN generate_series(to_timestamp(floor(extract(epoch FROM now() - make_interval(days => $2)) / $3) * $3),
                                 now(), make_interval(secs => $3)) AS g(t)
      CROSS JOIN LATERAL (
        SELECT at, rows, bytes FROM ${t.ownTable("store_size_samples")}
         WHERE table_name = n.name AND at >= g.t AND at < g.t + make_interval(secs => $3)
         ORDER BY at DESC LIMIT 1) s
      ORDER BY n.name, s.at`,
    [names, days, step],
  );
  return names
    .map((name) => {
      const samples = r.rows
        .filter((x) => x.name === name)
        .map((x) => ({ t: x.t.toISOString(), rows: x.rows, bytes: x.bytes }));
      const last = samples[samples.length - 1];
      return { name, rows: last?.rows ?? 0, bytes: last?.bytes ?? 0, samples };
    })
    .filter((table) => table.samples.length > 0);
}

/** Least-squares slope per day of one table's samples; null without a day's spread. */
function slopePerDay(samples: { t: string; v: number }[]): number | null {
  if (samples.length < 2) return null;
  const xs = samples.map((s) => Date.parse(s.t) / 86_400_000);
  const span = (xs[xs.length - 1] as number) - (xs[0] as number);
  if (span < 1 / 24) return null; // under an hour of history says nothing about a day
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = samples.reduce((a, s) => a + s.v, 0) / samples.length;
  let num = 0;
  let den = 0;
  samples.forEach((s, i) => {
    const dx = (xs[i] as number) - mx;
    num += dx * (s.v - my);
    den += dx * dx;
  });
  return den ? num / den : null;
}

function growthOf(tables: StoreTable[]): StoreReport["growthPerDay"] {
  let rows = 0;
  let bytes = 0;
  for (const table of tables) {
    const b = slopePerDay(table.samples.map((s) => ({ t: s.t, v: s.bytes })));
    const r = slopePerDay(table.samples.map((s) => ({ t: s.t, v: s.rows })));
    if (b === null || r === null) return null;
    bytes += b;
    rows += r;
  }
  return tables.length ? { rows, bytes } : null;
}

/** The Trends page's store summary: latest size per table and growth per day over `days`. */
export async function storeGrowthSummary(
  ctx: StoreContext,
  names: string[],
  days: number,
): Promise<StoreGrowthSummary> {
  const { db, tables: t } = ctx;
  const tables = await sizeHistory(db, t, names, days, sampleSecondsFor(days));
  const { growth, basis } = await growthWithBasis(ctx, tables, () => createdExpired(db, t, days));
  return {
    tables: tables.map(({ name, rows, bytes }) => ({ name, rows, bytes })),
    bytesPerDay: growth?.bytes ?? null,
    rowsPerDay: growth?.rows ?? null,
    growthBasis: basis,
  };
}

/**
 * Growth from the size samples; before they span an hour, on a library's table whose rows were
 * imported, from the keys' creation times (./growth-from-creation.ts).
 */
async function growthWithBasis(
  ctx: StoreContext,
  tables: StoreTable[],
  perDay: () => Promise<CreatedExpiredDay[] | null>,
): Promise<{ growth: Growth | null; basis: "samples" | "creation times" | null }> {
  const sampled = growthOf(tables);
  if (sampled) return { growth: sampled, basis: "samples" };
  if (!ctx.tables.source.importsHistory) return { growth: null, basis: null };
  const keys = tables.find((x) => x.name === storeSizeNames(ctx).keys);
  const created = growthFromCreation(await perDay(), keys);
  return { growth: created, basis: created ? "creation times" : null };
}

export function projectBudget(
  totalBytes: number,
  growth: StoreReport["growthPerDay"],
  budget: number | null,
  nowMs: number,
): { date: string | null; projection: Projection } {
  const unprojected = (status: Projection["status"], message: string) => ({
    date: null,
    projection: { status, message },
  });
  if (budget === null)
    return unprojected(
      "no_budget",
      "No size budget set: set IDEMSCOPE_STORE_SIZE_BUDGET (e.g. 50GiB) to project it.",
    );
  if (totalBytes >= budget)
    return unprojected(
      "exceeded",
      `Over budget: ${formatBytes(totalBytes)} of ${formatBytes(budget)}.`,
    );
  if (growth === null)
    return unprojected(
      "not_enough_samples",
      "Not enough size samples yet (the collector samples every minute).",
    );
  if (growth.bytes <= 0)
    return unprojected(
      "not_growing",
      `Not growing: ${formatBytes(totalBytes)} of the ${formatBytes(budget)} budget.`,
    );
  const days = (budget - totalBytes) / growth.bytes;
  const date = new Date(nowMs + days * 86_400_000).toISOString();
  return {
    date,
    projection: {
      status: "projected",
      message: `At ${formatBytes(growth.bytes)} a day, the ${formatBytes(budget)} budget is reached in ${formatAge(days * 86_400)} (${date.slice(0, 10)}).`,
    },
  };
}

/**
 * Keys past expires_at still in the table: counted up to `cap`, and the oldest one's age. For a
 * library's table, from the keys per minute of expiry that capture keeps (never a scan of the
 * service's table): keys whose minute of expiry has ended, the oldest at its minute's start.
 */
export async function readExpiredKeys(
  ctx: StoreContext,
  cap = EXPIRED_COUNT_CAP,
): Promise<{ n: number; oldest: Date | null; lag: number | null }> {
  const { db, tables: t } = ctx;
  const r = await db.query<{ n: number; oldest: Date | null; lag: number | null }>(
    t.kept
      ? `SELECT least(coalesce(sum(keys), 0), $1)::int AS n, o.oldest,
                extract(epoch FROM now() - o.oldest)::float8 AS lag
           FROM ${t.kept.expiryMinutes}
          CROSS JOIN (SELECT min(minute) AS oldest FROM ${t.kept.expiryMinutes}
                       WHERE keys > 0 AND minute < date_trunc('minute', now())) o
          WHERE minute < date_trunc('minute', now())
          GROUP BY o.oldest`
      : `SELECT (SELECT count(*)::int FROM (SELECT 1 FROM ${t.keys} WHERE expires_at < now() LIMIT $1) x) AS n,
                o.oldest, extract(epoch FROM now() - o.oldest)::float8 AS lag
           FROM (SELECT min(expires_at) AS oldest FROM ${t.keys} WHERE expires_at < now()) o`,
    [cap + 1],
  );
  return r.rows[0] ?? { n: 0, oldest: null, lag: null };
}

async function purgerHealth(ctx: StoreContext, graceSeconds: number): Promise<PurgerHealth> {
  const row = await readExpiredKeys(ctx);
  const capped = row.n > EXPIRED_COUNT_CAP;
  const n = Math.min(row.n, EXPIRED_COUNT_CAP);
  const behind = row.lag !== null && row.lag > graceSeconds;
  const count = `${capped ? "more than " : ""}${formatCount(n)} expired ${n === 1 ? "key" : "keys"}`;
  return {
    expiredNotPurged: n,
    capped,
    cap: EXPIRED_COUNT_CAP,
    oldestExpiredAt: row.oldest?.toISOString() ?? null,
    lagSeconds: row.lag,
    graceSeconds,
    status: behind ? "behind" : "healthy",
    message:
      row.lag === null
        ? "No expired key waiting: the purger is keeping up."
        : behind
          ? `${count[0]?.toUpperCase()}${count.slice(1)} still in the table, the oldest expired ${formatAge(row.lag)} ago (more than the ${formatAge(graceSeconds)} grace).`
          : `Keeping up: ${count} waiting, the oldest expired ${formatAge(row.lag)} ago.`,
  };
}

async function createdExpired(
  db: Queryable,
  t: TableNames,
  days: number,
): Promise<CreatedExpiredDay[]> {
  const r = await db.query<CreatedExpiredDay>(
    `SELECT to_char(d, 'YYYY-MM-DD') AS day,
            coalesce(sum(e.events) FILTER (WHERE e.kind = 'claimed'), 0)::float8 AS created,
            coalesce(sum(e.events) FILTER (WHERE e.kind = 'expired'), 0)::float8 AS expired
       FROM generate_series(date_trunc('day', now() AT TIME ZONE 'UTC') - make_interval(days => $1 - 1),
                            date_trunc('day', now() AT TIME ZONE 'UTC'), interval '1 day') AS d
       LEFT JOIN ${t.ownTable("rollup_events")} e
         ON e.resolution = 'day' AND e.bucket = d AT TIME ZONE 'UTC' AND e.kind IN ('claimed', 'expired')
      GROUP BY d ORDER BY d`,
    [days],
  );
  return r.rows;
}

export async function getStoreReport(ctx: StoreContext, range: StoreRange): Promise<StoreReport> {
  const { db, tables: t, config: cfg } = ctx;
  const days = STORE_DAYS[range];
  const step = SAMPLE_SECONDS[range];
  const { eventsTable } = await storeCapabilities(ctx);
  const [tables, purger, perDay, advice, capture] = await Promise.all([
    sizeHistory(db, t, Object.values(storeSizeNames(ctx)), days, step),
    purgerHealth(ctx, cfg.purgeGraceSeconds),
    eventsTable ? createdExpired(db, t, days) : Promise.resolve(null),
    eventsTable ? ttlAdvisor(ctx, days) : Promise.resolve([]),
    t.source.capture.mapped ? readCaptureState(ctx) : Promise.resolve(null),
  ]);
  const { growth: growthPerDay, basis: growthBasis } = await growthWithBasis(
    ctx,
    tables,
    async () => perDay,
  );
  const total = tables.reduce((s, x) => s + x.bytes, 0);
  const { date, projection } = projectBudget(
    total,
    growthPerDay,
    cfg.storeSizeBudgetBytes,
    Date.now(),
  );
  return {
    range,
    sampleSeconds: step,
    tables,
    growthPerDay,
    growthBasis,
    budgetBytes: cfg.storeSizeBudgetBytes,
    projectedBudgetDate: date,
    projection,
    createdExpired: perDay,
    expiredNotPurged: purger.expiredNotPurged,
    purger,
    ttlAdvisor: advice,
    eventsUnavailable: eventsTable
      ? null
      : noEventsTableMessage(t, "new and purged keys per day or the TTL advisor"),
    source: sourceSummary(ctx),
    capture: capture && {
      queued: capture.queued,
      queueBytes: capture.queueBytes,
      queueLimitBytes: capture.queueLimitBytes,
      captureErrors: capture.captureErrors,
      deadLetters: capture.deadLetters,
      recentDeadLetters: capture.recentDeadLetters,
    },
  };
}
