// The per-intent part of a collector batch (temp table `batch`, lib/rollups/collect-batch.ts):
// the intent memory that makes duplicate successes exact, retry delays, and the per-client rows
// (their request counts and their keys, in one upsert). The memory keeps, per intent, a 128-bit
// hash of (client, endpoint, key) and when its first request and first success were — nothing
// wider (docs/performance.md, "Footprint"); the few intents that succeeded twice keep their names
// in duplicate_intents, for the pages that list them.
import type { PoolClient } from "pg";
import type { TableNames } from "../tables";
import { ALL_ENDPOINTS, nameNewClients } from "./client-rows";
import { RETRY_DELAY_BOUNDS_S } from "./histograms";

export const REQUEST_KINDS = `('claimed', 'reclaimed', 'replayed', 'conflict', 'mismatch')`;
/** Hourly per-client rows: a week (the 7-day chart and every baseline) and a day of margin. */
export const CLIENT_HOUR_DAYS = 8;
/** Minute per-client rows (retry-storm detection) are kept three hours. */
export const CLIENT_MINUTE_HOURS = 3;
/** Per-client rows: minute, hour and day over all endpoints ('*'), day per endpoint (NULL). */
// each request counts for its client over all endpoints at every grain, and per endpoint by the day
const CLIENT_GRAINS = `(VALUES ('minute', 'm'::"char", true), ('hour', 'h', true), ('day', 'd', true),
  ('day', 'd', false)) AS r(res, code, all_endpoints)`;
const RESOLUTIONS = `(VALUES ('minute'), ('hour'), ('day')) AS r(res)`;

/** Days each grain keeps (as retention would), and the per-intent memory's horizon. */
export type Keep = { minute: number; hour: number; intents?: number };
const clientKeep = (keep: Keep): Keep => ({
  minute: CLIENT_MINUTE_HOURS / 24,
  hour: Math.min(keep.hour, CLIENT_HOUR_DAYS),
});

/** SQL condition: the event (alias b) falls within what resolution r.res keeps. */
export function kept(keep: Keep, at = "b.at"): string {
  const days = (d: number) => `now() - make_interval(secs => ${Math.round(d * 86_400)})`;
  return `NOT ((r.res = 'minute' AND ${at} < ${days(keep.minute)}) OR (r.res = 'hour' AND ${at} < ${days(keep.hour)}))`;
}

/** The intent's key in the memory: an unambiguous text of the three parts, hashed to 128 bits. */
export const intentHash = (alias = "") =>
  `md5(ROW(${alias}scope, ${alias}endpoint, ${alias}key)::text)::uuid`;

/**
 * A success that is not its intent's first (ordered by at, then id) is a duplicate; when a
 * late-arriving event turns out to be earlier than the recorded first success, the recorded one
 * becomes the duplicate instead. The same holds for the first request (keys per client, retry
 * delays). So batches may come in any order: history folded newest first ends exact.
 */
export async function foldIntents(
  c: PoolClient,
  t: TableNames,
  keep: Keep,
  folded: FoldedSoFar,
): Promise<void> {
  const memory = t.ownTable("intent_memory");
  await c.query(
    `CREATE TEMP TABLE touched ON COMMIT DROP AS
     WITH per AS (
       SELECT ${intentHash()} AS intent, scope, endpoint, key,
              (array_agg(at ORDER BY at, id) FILTER (WHERE req))[1] AS breq_at,
              (array_agg(id ORDER BY at, id) FILTER (WHERE req))[1] AS breq_id,
              (array_agg(at ORDER BY at, id) FILTER (WHERE ok))[1] AS bfirst_at,
              (array_agg(id ORDER BY at, id) FILTER (WHERE ok))[1] AS bfirst_id,
              count(*) FILTER (WHERE ok)::int AS oks,
              count(*) FILTER (WHERE req)::int AS reqs
         FROM (SELECT *, kind = 'completed' AND response_code BETWEEN 200 AND 299 AS ok,
                      kind IN ${REQUEST_KINDS} AS req FROM batch) b
        GROUP BY 2, 3, 4),
     joined AS (
       SELECT per.*, i.first_request_at AS old_req_at, i.first_request_id AS old_req_id,
              i.first_success_at AS old_first_at, i.first_success_id AS old_first_id,
              i.requests AS old_reqs,
              (i.first_success_id IS NOT NULL AND per.bfirst_id IS NOT NULL
                AND (per.bfirst_at, per.bfirst_id) < (i.first_success_at, i.first_success_id)) AS displaced,
              (i.first_request_id IS NOT NULL AND per.breq_id IS NOT NULL
                AND (per.breq_at, per.breq_id) < (i.first_request_at, i.first_request_id)) AS req_displaced
         FROM per LEFT JOIN ${memory} i ON i.intent = per.intent)
     SELECT *,
            CASE WHEN old_req_id IS NULL OR req_displaced THEN breq_at ELSE old_req_at END AS new_req_at,
            CASE WHEN old_req_id IS NULL OR req_displaced THEN breq_id ELSE old_req_id END AS new_req_id
       FROM joined`,
  );
  // Deltas of first and duplicate successes, by the time of the success they concern (read by
  // the rollup below and by the all-time counters, lib/rollups/fold-metric-totals.ts).
  await c.query(
    `CREATE TEMP TABLE success_deltas ON COMMIT DROP AS
     SELECT b.at, b.endpoint,
            CASE WHEN b.id = new_first THEN 1 ELSE 0 END AS dfirst,
            CASE WHEN b.id = new_first THEN 0 ELSE 1 END AS ddup
       FROM batch b
       JOIN (SELECT *, CASE WHEN old_first_id IS NULL OR displaced THEN bfirst_id ELSE old_first_id END AS new_first
               FROM touched WHERE oks > 0) tt USING (scope, endpoint, key)
      WHERE b.kind = 'completed' AND b.response_code BETWEEN 200 AND 299
     UNION ALL
     SELECT old_first_at, endpoint, -1, 1 FROM touched WHERE displaced`,
  );
  await c.query(
    `INSERT INTO ${t.ownTable("rollup_successes")} AS x (resolution, bucket, endpoint, first_successes, duplicate_successes)
     SELECT r.res, date_trunc(r.res, d.at), d.endpoint, sum(d.dfirst), sum(d.ddup)
       FROM success_deltas d CROSS JOIN ${RESOLUTIONS}
      WHERE ${kept(keep, "d.at")}
      GROUP BY 1, 2, 3
     ON CONFLICT (resolution, bucket, endpoint) DO UPDATE SET
       first_successes = x.first_successes + excluded.first_successes,
       duplicate_successes = x.duplicate_successes + excluded.duplicate_successes`,
  );
  await foldRetryDelays(c, t, folded);
  await foldClientRows(c, t, keep);
  await c.query(
    `WITH upserted AS (
       INSERT INTO ${memory} AS i (intent, first_request_at, first_request_id, first_success_at, first_success_id, successes, requests)
       SELECT intent, new_req_at, new_req_id, bfirst_at, bfirst_id, oks, reqs FROM touched
        -- an intent first seen before the horizon is not remembered (retention would drop it):
        -- folding a long history keeps the memory at its steady size
        WHERE $1::float8 IS NULL OR old_req_id IS NOT NULL
           OR new_req_at >= now() - make_interval(secs => $1::float8 * 86400)
       ON CONFLICT (intent) DO UPDATE SET
         first_request_at = excluded.first_request_at,
         first_request_id = excluded.first_request_id,
         first_success_at = CASE WHEN i.first_success_id IS NULL
                                   OR (excluded.first_success_at, excluded.first_success_id) < (i.first_success_at, i.first_success_id)
                                 THEN coalesce(excluded.first_success_at, i.first_success_at) ELSE i.first_success_at END,
         first_success_id = CASE WHEN i.first_success_id IS NULL
                                   OR (excluded.first_success_at, excluded.first_success_id) < (i.first_success_at, i.first_success_id)
                                 THEN coalesce(excluded.first_success_id, i.first_success_id) ELSE i.first_success_id END,
         successes = i.successes + excluded.successes,
         requests = i.requests + excluded.requests
       RETURNING i.intent, i.successes, i.first_request_at
     )
     INSERT INTO ${t.ownTable("duplicate_intents")} AS d (intent, scope, endpoint, key, successes, first_request_at)
     SELECT u.intent, tt.scope, tt.endpoint, tt.key, u.successes, u.first_request_at
       FROM upserted u JOIN touched tt USING (intent)
      WHERE u.successes >= 2
     ON CONFLICT (intent) DO UPDATE SET successes = excluded.successes, first_request_at = excluded.first_request_at`,
    [keep.intents ?? null],
  );
}

/**
 * The events folded before this batch: ids up to the live watermark, but for the history not yet
 * folded (history_lo, history_hi] and the gaps still awaited.
 */
export type FoldedSoFar = { watermark: string; historyLo: string | null; historyHi: string | null };

const CLASS_OF = (kind: string) =>
  `CASE WHEN ${kind} = 'claimed' THEN 'after_expiry' ELSE 'retry' END`;

/**
 * Retry delays: every request but the intent's very first, measured from the first request (a
 * claim that is not the first is new work after expiry). When an earlier first request turns up
 * (a late commit, or history folded newest first), the intent's requests folded before are
 * measured again from it: their old delays come out, their new ones go in, and the old first
 * becomes a retry itself. Exact whatever the order of the batches.
 */
async function foldRetryDelays(c: PoolClient, t: TableNames, f: FoldedSoFar): Promise<void> {
  await c.query(
    `WITH displaced AS (SELECT * FROM touched WHERE req_displaced),
     before AS (
       -- the displaced intents' requests folded by earlier batches (the old first aside)
       SELECT e.id, e.at, e.endpoint, e.kind, d.old_req_at, d.new_req_at
         FROM displaced d JOIN ${t.events} e
           ON e.scope = d.scope AND e.endpoint = d.endpoint AND e.key = d.key
        WHERE e.kind IN ${REQUEST_KINDS} AND e.id <> d.old_req_id AND e.id <= $2::bigint
          AND NOT (e.id > coalesce($3::bigint, 0) AND e.id <= coalesce($4::bigint, 0))
          AND NOT EXISTS (SELECT 1 FROM batch b WHERE b.id = e.id)
          AND NOT EXISTS (SELECT 1 FROM ${t.ownTable("collector_gaps")} g WHERE g.id = e.id)
     )
     INSERT INTO ${t.ownTable("rollup_retry_delays")} AS x (bucket, endpoint, class, le_index, events)
     SELECT date_trunc('day', d.at), d.endpoint, d.class,
            width_bucket(extract(epoch FROM d.at - d.first_at)::float8, $1::float8[]), sum(d.delta)
       FROM (
         SELECT b.at, b.endpoint, tt.new_req_at AS first_at, ${CLASS_OF("b.kind")} AS class, 1 AS delta
           FROM batch b JOIN touched tt USING (scope, endpoint, key)
          WHERE b.kind IN ${REQUEST_KINDS} AND b.id <> tt.new_req_id
         UNION ALL
         SELECT o.at, o.endpoint, d.new_req_at, ${CLASS_OF("o.kind")}, 1
           FROM displaced d JOIN ${t.events} o ON o.id = d.old_req_id
         UNION ALL
         SELECT at, endpoint, old_req_at, ${CLASS_OF("kind")}, -1 FROM before
         UNION ALL
         SELECT at, endpoint, new_req_at, ${CLASS_OF("kind")}, 1 FROM before
       ) d
      GROUP BY 1, 2, 3, 4
     HAVING sum(d.delta) <> 0
     ON CONFLICT (bucket, endpoint, class, le_index) DO UPDATE SET events = x.events + excluded.events`,
    [RETRY_DELAY_BOUNDS_S, f.watermark, f.historyLo, f.historyHi],
  );
}

/**
 * Per-client rows: the batch's requests and the keys first requested in it (an intent counts
 * once, in the bucket of its first request, moved when an earlier first request arrives late),
 * in one upsert per row.
 */
async function foldClientRows(c: PoolClient, t: TableNames, keep: Keep): Promise<void> {
  await nameNewClients(c, t);
  await c.query(
    `INSERT INTO ${t.ownTable("rollup_clients")} AS x
       (resolution, bucket, client, endpoint, requests, claimed, reclaimed, replayed, conflicts, mismatches, keys)
     SELECT r.code, date_trunc(r.res, u.at), n.id, CASE WHEN r.all_endpoints THEN ${ALL_ENDPOINTS} ELSE e.id END,
            sum(u.req), sum(u.claimed), sum(u.reclaimed), sum(u.replayed), sum(u.conflicts),
            sum(u.mismatches), sum(u.keys)
       FROM (
         SELECT at, scope, endpoint, 1 AS req, (kind = 'claimed')::int AS claimed,
                (kind = 'reclaimed')::int AS reclaimed, (kind = 'replayed')::int AS replayed,
                (kind = 'conflict')::int AS conflicts, (kind = 'mismatch')::int AS mismatches, 0 AS keys
           FROM batch WHERE kind IN ${REQUEST_KINDS}
         UNION ALL
         SELECT breq_at, scope, endpoint, 0, 0, 0, 0, 0, 0, 1 FROM touched
          WHERE breq_id IS NOT NULL AND (old_req_id IS NULL OR req_displaced)
         UNION ALL
         SELECT old_req_at, scope, endpoint, 0, 0, 0, 0, 0, 0, -1 FROM touched WHERE req_displaced
       ) u
       JOIN ${t.ownTable("client_names")} n ON n.scope = u.scope
       JOIN ${t.ownTable("endpoint_names")} e ON e.endpoint = u.endpoint
       CROSS JOIN ${CLIENT_GRAINS}
      WHERE ${kept(clientKeep(keep), "u.at")}
      GROUP BY 1, 2, 3, 4
     HAVING sum(u.req) <> 0 OR sum(u.keys) <> 0
     ON CONFLICT (resolution, bucket, client, endpoint) DO UPDATE SET
       requests = x.requests + excluded.requests, claimed = x.claimed + excluded.claimed,
       reclaimed = x.reclaimed + excluded.reclaimed, replayed = x.replayed + excluded.replayed,
       conflicts = x.conflicts + excluded.conflicts, mismatches = x.mismatches + excluded.mismatches,
       keys = x.keys + excluded.keys`,
  );
}
