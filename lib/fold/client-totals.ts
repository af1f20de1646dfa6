// The Clients page's snapshots, kept by the collector leader: every client's totals per range
// (one row per client and range, so that sorting thousands of clients by any column reads a few
// thousand rows instead of millions of bucket rows) and the clients in a retry storm now.
import type { StoreContext } from "../contract/context";
import type { Pool } from "pg";
import { CLIENT_RANGES, type ClientRange } from "../client/api-types/clients";
import { inTransaction } from "../db/pool";
import { ALL_ENDPOINTS, CLIENT_RES } from "./client-rows";
import { fillWorkTable } from "./work-tables";

/** How stale each range's totals may get before the collector counts them again. */
export const CLIENT_REFRESH_SECONDS: Record<ClientRange, number> = {
  "24h": 15,
  "7d": 60,
  "30d": 300,
  "90d": 300,
};

/** Each range's first bucket (whole rollup buckets, UTC) and the resolution it reads. */
export const CLIENT_RANGE_SQL: Record<ClientRange, { resolution: "hour" | "day"; from: string }> = {
  "24h": { resolution: "hour", from: `date_trunc('hour', now()) - interval '23 hours'` },
  "7d": { resolution: "day", from: `date_trunc('day', now()) - interval '6 days'` },
  "30d": { resolution: "day", from: `date_trunc('day', now()) - interval '29 days'` },
  "90d": { resolution: "day", from: `date_trunc('day', now()) - interval '89 days'` },
};

/**
 * Retry storm: requests per key over the last 5 minutes ≥ 3× the client's own 7-day baseline
 * (with at least 50 requests). A storm goes on while the last 15 minutes stay ≥ 2× (hysteresis:
 * bursty storms don't flap).
 */
export const STORM = {
  factor: 3,
  keepFactor: 2,
  enterMinutes: 5,
  keepMinutes: 15,
  /** fewer requests than this in the window is noise, not a storm */
  minWindowRequests: 50,
  /** a baseline needs this many keys over its 7 days */
  minBaselineKeys: 20,
  /** elevated 5-minute blocks further apart than this are separate storms */
  maxGapMinutes: 15,
};

export async function refreshClientRange(
  ctx: StoreContext<Pool>,
  range: ClientRange,
): Promise<void> {
  const { db: pool, tables: t } = ctx;
  const r = t.ownTable;
  const { resolution, from } = CLIENT_RANGE_SQL[range];
  await inTransaction(pool, async (c) => {
    await c.query("SET LOCAL timezone = 'UTC'");
    const started = Date.now();
    await c.query(`DELETE FROM ${r("client_range_totals")} WHERE range = $1`, [range]);
    const inserted = await c.query(
      `INSERT INTO ${r("client_range_totals")}
         (range, scope, requests, keys, replayed, reclaimed, conflicts, mismatches, retries_per_key)
       SELECT $1, n.scope, s.requests, s.keys, s.replayed, s.reclaimed, s.conflicts, s.mismatches,
              s.requests::float8 / nullif(s.keys, 0)
         FROM (SELECT client, sum(requests) AS requests, sum(keys) AS keys, sum(replayed) AS replayed,
                      sum(reclaimed) AS reclaimed, sum(conflicts) AS conflicts, sum(mismatches) AS mismatches
                 FROM ${r("rollup_clients")}
                WHERE resolution = $2 AND endpoint = ${ALL_ENDPOINTS} AND bucket >= ${from}
                GROUP BY client
               HAVING sum(requests) > 0 OR sum(keys) > 0) s
         JOIN ${r("client_names")} n ON n.id = s.client`,
      [range, CLIENT_RES[resolution]],
    );
    await c.query(
      `INSERT INTO ${r("client_range_state")} (range, range_from, computed_at, clients, duration_ms)
       VALUES ($1, ${from}, now(), $2, $3)
       ON CONFLICT (range) DO UPDATE SET range_from = excluded.range_from,
         computed_at = excluded.computed_at, clients = excluded.clients, duration_ms = excluded.duration_ms`,
      [range, inserted.rowCount ?? 0, Date.now() - started],
    );
  });
}

/** Recomputes the clients in a storm now; a storm that goes on keeps its start. */
export async function refreshStorms(ctx: StoreContext<Pool>): Promise<void> {
  const { db: pool, tables: t } = ctx;
  const r = t.ownTable;
  const clients = r("rollup_clients");
  const names = r("client_names");
  await inTransaction(pool, async (c) => {
    await fillWorkTable(
      c,
      "storm",
      `WITH win AS (
         SELECT n.scope,
                sum(requests) FILTER (WHERE bucket >= now() - make_interval(mins => $1)) AS req5,
                sum(keys) FILTER (WHERE bucket >= now() - make_interval(mins => $1)) AS keys5,
                sum(requests) AS req15, sum(keys) AS keys15,
                EXISTS (SELECT 1 FROM ${r("client_storms")} x WHERE x.scope = n.scope) AS ongoing
           FROM ${clients} m JOIN ${names} n ON n.id = m.client
          WHERE m.resolution = '${CLIENT_RES.minute}' AND m.endpoint = ${ALL_ENDPOINTS}
            AND m.bucket >= now() - make_interval(mins => $2)
          GROUP BY n.scope
       ), candidates AS (
         -- a baseline is at least 1 request per key: below $4 requests per key is no storm
         SELECT *, coalesce(req5, 0)::float8 / greatest(keys5, 1) AS rate5,
                req15::float8 / greatest(keys15, 1) AS rate15
           FROM win
          WHERE (req5 >= $3 AND req5::float8 / greatest(keys5, 1) >= $4)
             OR (ongoing AND req15 >= $3 AND req15::float8 / greatest(keys15, 1) >= $5)
       ), base AS (
         SELECT c.scope, sum(h.requests)::float8 / nullif(sum(h.keys), 0) AS rate, sum(h.keys) AS keys
           FROM candidates c JOIN ${names} n ON n.scope = c.scope JOIN ${clients} h
             ON h.client = n.id AND h.resolution = '${CLIENT_RES.hour}' AND h.endpoint = ${ALL_ENDPOINTS}
            AND h.bucket >= now() - interval '7 days'
            AND h.bucket < now() - make_interval(mins => 60 + $2)
          GROUP BY c.scope
       )
       SELECT c.scope, b.rate AS baseline_rate,
              CASE WHEN c.rate5 >= c.rate15 AND c.req5 >= $3 THEN c.rate5 ELSE c.rate15 END AS current_rate,
              CASE WHEN c.rate5 >= c.rate15 AND c.req5 >= $3 THEN $1 ELSE $2 END AS window_minutes,
              CASE WHEN c.rate5 >= c.rate15 AND c.req5 >= $3 THEN c.req5 ELSE c.req15 END AS window_requests,
              CASE WHEN c.rate5 >= c.rate15 AND c.req5 >= $3 THEN c.keys5 ELSE c.keys15 END AS window_keys
         FROM candidates c JOIN base b USING (scope)
        WHERE b.keys >= $6
          AND ((c.req5 >= $3 AND c.rate5 >= $4 * b.rate) OR (c.ongoing AND c.rate15 >= $5 * b.rate))`,
      [
        STORM.enterMinutes,
        STORM.keepMinutes,
        STORM.minWindowRequests,
        STORM.factor,
        STORM.keepFactor,
        STORM.minBaselineKeys,
      ],
    );
    // Onset: the first 5-minute block of the latest run of elevated blocks (minute rows).
    await c.query(
      `WITH blocks AS (
         SELECT s.scope, date_bin('5 minutes', m.bucket, timestamptz '2000-01-01') AS blk,
                sum(m.requests)::float8 / greatest(sum(m.keys), 1) AS rate
           FROM storm s JOIN ${names} n ON n.scope = s.scope JOIN ${clients} m
             ON m.client = n.id AND m.resolution = '${CLIENT_RES.minute}' AND m.endpoint = ${ALL_ENDPOINTS}
          GROUP BY 1, 2
       ), elevated AS (
         SELECT b.scope, b.blk, lag(b.blk) OVER (PARTITION BY b.scope ORDER BY b.blk) AS prev
           FROM blocks b JOIN storm s USING (scope)
          WHERE b.rate >= $1 * s.baseline_rate
       ), onset AS (
         SELECT scope, max(blk) FILTER (WHERE prev IS NULL OR blk - prev > make_interval(mins => $2)) AS since
           FROM elevated GROUP BY scope
       )
       INSERT INTO ${r("client_storms")} AS x (scope, since, factor, current_rate, baseline_rate,
         window_minutes, window_requests, window_keys, computed_at)
       SELECT s.scope, coalesce(o.since, now() - make_interval(mins => s.window_minutes)),
              s.current_rate / s.baseline_rate, s.current_rate, s.baseline_rate, s.window_minutes,
              s.window_requests, s.window_keys, now()
         FROM storm s LEFT JOIN onset o USING (scope)
       ON CONFLICT (scope) DO UPDATE SET since = least(x.since, excluded.since),
         factor = excluded.factor, current_rate = excluded.current_rate,
         baseline_rate = excluded.baseline_rate, window_minutes = excluded.window_minutes,
         window_requests = excluded.window_requests, window_keys = excluded.window_keys,
         computed_at = excluded.computed_at`,
      [STORM.keepFactor, STORM.maxGapMinutes],
    );
    await c.query(
      `DELETE FROM ${r("client_storms")} x WHERE NOT EXISTS (SELECT 1 FROM storm s WHERE s.scope = x.scope)`,
    );
  });
}

/** The ranges whose snapshot is older than its refresh period (or missing). */
export async function dueClientRanges(ctx: StoreContext<Pool>): Promise<ClientRange[]> {
  const { db: pool, tables: t } = ctx;
  const rows = await pool.query<{ range: string; age: number }>(
    `SELECT range, extract(epoch FROM now() - computed_at)::float8 AS age
       FROM ${t.ownTable("client_range_state")}`,
  );
  const age = new Map(rows.rows.map((x) => [x.range, x.age]));
  return CLIENT_RANGES.filter(
    (range) => (age.get(range) ?? Infinity) >= CLIENT_REFRESH_SECONDS[range],
  );
}

/** One collector step: storms every time, range totals when due. */
export async function refreshClientSnapshots(ctx: StoreContext<Pool>): Promise<void> {
  await refreshStorms(ctx);
  for (const range of await dueClientRanges(ctx)) await refreshClientRange(ctx, range);
}
