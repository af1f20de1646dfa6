// The Overview's numbers (SPEC §3), computed from the contract tables for one time range.
import "server-only";
import type { Pool } from "pg";
import type { Config } from "../config";
import type { EndpointActivity, Overview, OverviewSeriesPoint } from "../api-types/overview";
import { BUCKET_SECONDS, RANGE_SECONDS, type Range } from "../range";
import type { TableNames } from "../tables";
import { lockTimeoutParams } from "./lock-timeouts";

const REQUEST_KINDS = `('claimed', 'reclaimed', 'replayed', 'conflict', 'mismatch')`;

type Totals = {
  requests: number;
  replayed: number;
  conflicts: number;
  mismatches: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
};

async function countRequestTotals(db: Pool, t: TableNames, seconds: number): Promise<Totals> {
  const r = await db.query<Totals>(
    `SELECT count(*) FILTER (WHERE kind IN ${REQUEST_KINDS})::int AS requests,
            count(*) FILTER (WHERE kind = 'replayed')::int AS replayed,
            count(*) FILTER (WHERE kind = 'conflict')::int AS conflicts,
            count(*) FILTER (WHERE kind = 'mismatch')::int AS mismatches,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE kind = 'replayed') AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE kind = 'replayed') AS p95,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE kind = 'replayed') AS p99
       FROM ${t.events}
      WHERE at >= now() - make_interval(secs => $1)`,
    [seconds],
  );
  return r.rows[0] as Totals;
}

/**
 * Duplicate success (SPEC §3): an intent counts as duplicated in the range when one of its
 * successful (2xx) completions in the range was not its first; the rate divides by the intents
 * with any successful completion in the range.
 */
async function countDuplicateSuccesses(
  db: Pool,
  t: TableNames,
  seconds: number,
): Promise<{ succeeded: number; duplicated: number }> {
  const r = await db.query<{ succeeded: number; duplicated: number }>(
    `SELECT count(DISTINCT (c.scope, c.endpoint, c.key))::int AS succeeded,
            count(DISTINCT (c.scope, c.endpoint, c.key)) FILTER (WHERE EXISTS (
              SELECT 1 FROM ${t.events} p
               WHERE p.scope = c.scope AND p.endpoint = c.endpoint AND p.key = c.key
                 AND p.kind = 'completed' AND p.response_code BETWEEN 200 AND 299
                 AND (p.at, p.id) < (c.at, c.id)))::int AS duplicated
       FROM ${t.events} c
      WHERE c.kind = 'completed' AND c.response_code BETWEEN 200 AND 299
        AND c.at >= now() - make_interval(secs => $1)`,
    [seconds],
  );
  return r.rows[0] ?? { succeeded: 0, duplicated: 0 };
}

/** Stuck (locked past the endpoint's lock timeout) plus orphaned (unlocked, untouched as long). */
export async function countStuckKeys(db: Pool, t: TableNames, cfg: Config): Promise<number> {
  // status = 'in_progress' matches the partial index's predicate exactly.
  const r = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n
       FROM ${t.keys} k
       LEFT JOIN unnest($1::text[], $2::int[]) AS o(endpoint, secs) ON o.endpoint = k.endpoint
      WHERE k.status = 'in_progress'
        AND coalesce(k.locked_at, k.updated_at) < now() - make_interval(secs => coalesce(o.secs, $3))`,
    lockTimeoutParams(cfg),
  );
  return r.rows[0]?.n ?? 0;
}

async function listOutcomeSeries(
  db: Pool,
  t: TableNames,
  seconds: number,
  bucket: number,
): Promise<OverviewSeriesPoint[]> {
  const r = await db.query<{ t: Date } & Omit<OverviewSeriesPoint, "t">>(
    `SELECT date_bin(make_interval(secs => $2), at, timestamptz '2000-01-01') AS t,
            count(*) FILTER (WHERE kind = 'claimed')::int AS claimed,
            count(*) FILTER (WHERE kind = 'reclaimed')::int AS reclaimed,
            count(*) FILTER (WHERE kind = 'replayed')::int AS replayed,
            count(*) FILTER (WHERE kind = 'conflict')::int AS conflict,
            count(*) FILTER (WHERE kind = 'mismatch')::int AS mismatch
       FROM ${t.events}
      WHERE at >= now() - make_interval(secs => $1) AND kind IN ${REQUEST_KINDS}
      GROUP BY 1 ORDER BY 1`,
    [seconds, bucket],
  );
  return fillBuckets(
    r.rows.map((row) => ({ ...row, t: row.t.toISOString() })),
    seconds,
    bucket,
  );
}

/** Every bucket of the range present (zeros where nothing happened), the partial one left out. */
export function fillBuckets(
  rows: OverviewSeriesPoint[],
  seconds: number,
  bucket: number,
  now = Date.now(),
): OverviewSeriesPoint[] {
  const byTime = new Map(rows.map((r) => [Date.parse(r.t), r]));
  const step = bucket * 1000;
  const epoch = Date.parse("2000-01-01T00:00:00Z");
  const currentBucket = epoch + Math.floor((now - epoch) / step) * step;
  const first = epoch + Math.ceil((now - seconds * 1000 - epoch) / step) * step;
  const points: OverviewSeriesPoint[] = [];
  for (let ts = first; ts < currentBucket; ts += step) {
    points.push(
      byTime.get(ts) ?? {
        t: new Date(ts).toISOString(),
        claimed: 0,
        reclaimed: 0,
        replayed: 0,
        conflict: 0,
        mismatch: 0,
      },
    );
  }
  return points;
}

async function listBusiestEndpoints(
  db: Pool,
  t: TableNames,
  seconds: number,
): Promise<EndpointActivity[]> {
  const r = await db.query<EndpointActivity>(
    `SELECT endpoint,
            count(*)::int AS requests,
            count(*) FILTER (WHERE kind = 'replayed')::int AS replayed,
            count(*) FILTER (WHERE kind = 'conflict')::int AS conflicts,
            count(*) FILTER (WHERE kind = 'mismatch')::int AS mismatches
       FROM ${t.events}
      WHERE at >= now() - make_interval(secs => $1) AND kind IN ${REQUEST_KINDS}
      GROUP BY endpoint ORDER BY requests DESC, endpoint LIMIT 8`,
    [seconds],
  );
  return r.rows;
}

export async function getOverview(
  db: Pool,
  t: TableNames,
  cfg: Config,
  range: Range,
): Promise<Overview> {
  const seconds = RANGE_SECONDS[range];
  const bucket = BUCKET_SECONDS[range];
  const [totals, dup, stuckKeys, series, busiestEndpoints] = await Promise.all([
    countRequestTotals(db, t, seconds),
    countDuplicateSuccesses(db, t, seconds),
    countStuckKeys(db, t, cfg),
    listOutcomeSeries(db, t, seconds, bucket),
    listBusiestEndpoints(db, t, seconds),
  ]);
  return {
    range,
    generatedAt: new Date().toISOString(),
    requests: totals.requests,
    requestsPerMinute: totals.requests / (seconds / 60),
    replayed: totals.replayed,
    replayRatio: totals.requests ? totals.replayed / totals.requests : null,
    duplicateSuccesses: dup.duplicated,
    succeededIntents: dup.succeeded,
    duplicateSuccessRate: dup.succeeded ? dup.duplicated / dup.succeeded : null,
    conflicts: totals.conflicts,
    mismatches: totals.mismatches,
    stuckKeys,
    replayLatencyMs: { p50: totals.p50, p95: totals.p95, p99: totals.p99 },
    bucketSeconds: bucket,
    series,
    busiestEndpoints,
  };
}
