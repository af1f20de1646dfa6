// TTL advisor (docs/store-contract.md: "late retries"): per endpoint, how long after a key's first request its
// retries come, against the endpoint's TTL; the share that came after expiry (new work); the TTL
// that would have caught 99.9 % of them. From the collector's retry-delay histograms.
import "server-only";
import type { Queryable, StoreContext } from "../../contract/context";
import type { DelayBucket, TtlAdvice } from "../../client/api-types/store";
import { formatAge, formatPercent } from "../../client/format";
import { percentileFromHistogram, RETRY_DELAY_BOUNDS_S } from "../../contract/histograms";
import type { TableNames } from "../../contract/tables";

/** How many of the newest keys to read for each endpoint's observed TTL. */
const TTL_SAMPLE = 5_000;
const COVERAGE = 0.999;

function delayLabel(from: number, to: number | null): string {
  if (to === null) return `≥ ${formatAge(from)}`;
  return from === 0 ? `< ${formatAge(to)}` : `${formatAge(from)} – ${formatAge(to)}`;
}

/**
 * Observed TTLs: the most common expires_at − created_at among the newest keys; for a library's
 * table, the newest keys' TTL per endpoint that capture keeps (its table may have no index on
 * created_at, and what polls never scans it).
 */
async function observedTtls(db: Queryable, t: TableNames): Promise<Map<string, number>> {
  const r = await db.query<{ endpoint: string; ttl: number }>(
    t.kept
      ? `SELECT endpoint, ttl_seconds AS ttl FROM ${t.kept.endpointTtls}`
      : `SELECT endpoint, mode() WITHIN GROUP (ORDER BY round(extract(epoch FROM expires_at - created_at)))::float8 AS ttl
           FROM (SELECT endpoint, expires_at, created_at FROM ${t.keys}
                  ORDER BY created_at DESC, id DESC LIMIT ${TTL_SAMPLE}) k
          GROUP BY endpoint`,
  );
  return new Map(r.rows.map((x) => [x.endpoint, x.ttl]));
}

/** The part of bucket [from, to) at or past the TTL, assuming delays spread evenly inside it. */
function pastTtl(from: number, to: number | null, ttl: number): number {
  if (ttl <= from) return 1;
  if (to === null || ttl >= to) return 0;
  return (to - ttl) / (to - from);
}

function adviceFor(
  endpoint: string,
  counts: Map<number, number>,
  ttl: number | null,
  ttlSource: TtlAdvice["ttlSource"],
): TtlAdvice {
  const bounds = RETRY_DELAY_BOUNDS_S;
  const histogram: DelayBucket[] = [];
  for (let i = 0; i <= bounds.length; i++) {
    const from = i === 0 ? 0 : (bounds[i - 1] as number);
    const to = i === bounds.length ? null : (bounds[i] as number);
    const n = counts.get(i) ?? 0;
    histogram.push({
      fromSeconds: from,
      toSeconds: to,
      label: delayLabel(from, to),
      retries: n,
      afterExpiry: ttl === null ? 0 : n * pastTtl(from, to, ttl),
    });
  }
  const retries = histogram.reduce((s, b) => s + b.retries, 0);
  const afterExpiry = ttl === null ? null : histogram.reduce((s, b) => s + b.afterExpiry, 0);
  // the smallest bound below which 99.9 % of the delays fall
  let suggested: number | null = null;
  let seen = 0;
  for (const b of histogram) {
    seen += b.retries;
    if (retries > 0 && seen >= COVERAGE * retries) {
      suggested = b.toSeconds;
      break;
    }
  }
  let verdict: TtlAdvice["verdict"] = "no_data";
  let message = "No retries in this range: nothing to judge.";
  if (retries > 0) {
    const target = suggested === null ? "more than 30 d" : formatAge(suggested);
    if (ttl === null || afterExpiry === null) {
      message = `TTL unknown (set IDEMSCOPE_ENDPOINT_TTLS); a TTL of ${target} would have caught 99.9 % of retries.`;
    } else if (suggested === null || suggested > ttl) {
      verdict = "raise";
      message = `${formatPercent(afterExpiry / retries)} of retries arrived after the ${formatAge(ttl)} TTL and ran the work again; a TTL of ${target} would have caught 99.9 %.`;
    } else if (suggested * 4 <= ttl) {
      verdict = "could_lower";
      message = `99.9 % of retries arrive within ${target}; the ${formatAge(ttl)} TTL keeps keys ${Math.round(ttl / suggested)}× longer than that: shorter would do, if store size matters.`;
    } else {
      verdict = "ok";
      message = `The ${formatAge(ttl)} TTL catches at least 99.9 % of retries.`;
    }
  }
  return {
    endpoint,
    ttlSeconds: ttl,
    ttlSource: ttl === null ? null : ttlSource,
    retries,
    afterExpiry,
    afterExpiryShare: retries && afterExpiry !== null ? afterExpiry / retries : null,
    p99Seconds: percentileFromHistogram(counts, bounds, 0.99),
    p999Seconds: percentileFromHistogram(counts, bounds, COVERAGE),
    suggestedTtlSeconds: suggested,
    verdict,
    message,
    histogram,
  };
}

export async function ttlAdvisor(ctx: StoreContext, days: number): Promise<TtlAdvice[]> {
  const { db, tables: t, config: cfg } = ctx;
  const [delays, observed] = await Promise.all([
    // every retry, whatever it met (answered, conflict, reclaim, or new work)
    db.query<{ endpoint: string; le: number; n: number }>(
      `SELECT endpoint, le_index AS le, sum(events)::float8 AS n
         FROM ${t.ownTable("rollup_retry_delays")}
        WHERE bucket >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - make_interval(days => $1 - 1)
        GROUP BY 1, 2`,
      [days],
    ),
    observedTtls(db, t),
  ]);
  const byEndpoint = new Map<string, Map<number, number>>();
  for (const row of delays.rows) {
    let e = byEndpoint.get(row.endpoint);
    if (!e) byEndpoint.set(row.endpoint, (e = new Map()));
    e.set(row.le, row.n);
  }
  return [...byEndpoint.entries()]
    .map(([endpoint, counts]) => {
      const configured = cfg.ttlSecondsByEndpoint.get(endpoint);
      const ttl = configured ?? observed.get(endpoint) ?? null;
      return adviceFor(endpoint, counts, ttl, configured !== undefined ? "configured" : "observed");
    })
    .sort((a, b) => b.retries - a.retries || a.endpoint.localeCompare(b.endpoint));
}
