// One exact, incremental step of the collector: reads the next events after the watermark plus
// any earlier gaps that became visible, folds them into every rollup, and moves the watermark,
// all in one transaction (a crash mid-batch rolls everything back; nothing is counted twice).
import type { StoreContext } from "../db/context";
import type { Pool, PoolClient } from "pg";
import { inTransaction } from "../db/pool";
import { drainCaptureQueue } from "../sources/capture-drain";
import type { TableNames } from "../tables";
import { foldMetricTotals } from "./fold-metric-totals";
import { LATENCY_BOUNDS_MS, RETRY_DELAY_BOUNDS_S } from "./histograms";

export type BatchResult = {
  events: number;
  recovered: number;
  gapsOpen: number;
  caughtUp: boolean;
};

const REQUEST_KINDS = `('claimed', 'reclaimed', 'replayed', 'conflict', 'mismatch')`;
/** Hourly per-client rows are kept two weeks at most (thousands of clients × hours). */
export const CLIENT_HOUR_DAYS = 14;
/** Minute per-client rows (retry-storm detection) are kept three hours. */
export const CLIENT_MINUTE_HOURS = 3;
/** Per-client rows: minute, hour and day over all endpoints ('*'), day per endpoint (NULL). */
const CLIENT_GRAINS = `(VALUES ('minute', '*'), ('hour', '*'), ('day', '*'), ('day', NULL)) AS r(res, ep)`;
const clientKeep = (keep: Keep): Keep => ({
  minute: CLIENT_MINUTE_HOURS / 24,
  hour: Math.min(keep.hour, CLIENT_HOUR_DAYS),
});
export type BatchOptions = {
  batchSize?: number;
  /** rows a resolution keeps (days): older events skip it, as retention would delete them */
  retentionDays?: { minute: number; hour: number };
  /** a gap gets its fence this long after detection: time for its writer to have an xid */
  gapFenceSeconds?: number;
};

export async function collectBatch(
  ctx: StoreContext<Pool>,
  options: BatchOptions = {},
): Promise<BatchResult> {
  const { db: pool } = ctx;
  // One snapshot for every statement: the gap bookkeeping relies on it.
  return inTransaction(
    pool,
    async (client) => {
      await client.query("SET LOCAL timezone = 'UTC'"); // day buckets are UTC days
      return foldNextBatch(
        { ...ctx, db: client },
        options.batchSize ?? 50_000,
        options.gapFenceSeconds ?? 5,
        options.retentionDays ?? { minute: 3, hour: 90 },
      );
    },
    "BEGIN ISOLATION LEVEL REPEATABLE READ",
  );
}

async function foldNextBatch(
  ctx: StoreContext<PoolClient>,
  batchSize: number,
  gapFenceSeconds: number,
  keep: { minute: number; hour: number },
): Promise<BatchResult> {
  const { db: c, tables: t } = ctx;
  const own = t.ownTable;
  // Serializes collectors even if two ever ran (the advisory lock should prevent it).
  const state = await c.query<{ watermark: string }>(
    `SELECT watermark FROM ${own("collector_state")} WHERE id = 1 FOR UPDATE`,
  );
  const watermark = state.rows[0]?.watermark ?? "0";
  // a connected preset's captured row changes become events first (lib/sources/capture-drain.ts)
  await drainCaptureQueue(ctx, { maxBatches: 1, batchSize });
  await c.query(
    `CREATE TEMP TABLE batch ON COMMIT DROP AS
       SELECT id, at, scope, endpoint, key, kind, response_code, latency_ms
         FROM ${t.events} WHERE id > $1 ORDER BY id LIMIT $2`,
    [watermark, batchSize],
  );
  const top = await c.query<{ n: number; max: string | null }>(
    `SELECT count(*)::int AS n, max(id) AS max FROM batch`,
  );
  const fresh = top.rows[0]?.n ?? 0;
  const newWatermark = top.rows[0]?.max ?? watermark;
  const recovered = await c.query(
    `INSERT INTO batch
       SELECT e.id, e.at, e.scope, e.endpoint, e.key, e.kind, e.response_code, e.latency_ms
         FROM ${t.events} e JOIN ${own("collector_gaps")} g ON g.id = e.id`,
  );
  await c.query(`DELETE FROM ${own("collector_gaps")} g USING batch b WHERE g.id = b.id`);
  await c.query(
    `INSERT INTO ${own("collector_gaps")} (id)
       SELECT g FROM generate_series($1::bigint + 1, $2::bigint) g
        WHERE NOT EXISTS (SELECT 1 FROM batch b WHERE b.id = g)
     ON CONFLICT DO NOTHING`,
    [watermark, newWatermark],
  );
  await c.query(
    `UPDATE ${own("collector_gaps")} SET fence = pg_snapshot_xmax(pg_current_snapshot())
      WHERE fence IS NULL AND detected_at < now() - make_interval(secs => $1)`,
    [gapFenceSeconds],
  );
  // Every transaction that could have held these ids has ended, and this snapshot does not see
  // their rows: they were rolled back (or never used). Safe to forget.
  await c.query(
    `DELETE FROM ${own("collector_gaps")} WHERE fence < pg_snapshot_xmin(pg_current_snapshot())`,
  );

  if (fresh + (recovered.rowCount ?? 0) > 0) {
    await foldEvents(c, t, keep);
    await foldLatency(c, t, keep);
    await foldClients(c, t, keep);
    await foldIntents(c, t, keep);
    await foldMetricTotals({ ...ctx, db: c });
  }

  const gaps = await c.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${own("collector_gaps")}`,
  );
  const caughtUp = fresh < batchSize;
  await c.query(
    `UPDATE ${own("collector_state")}
        SET watermark = $1, events_total = events_total + $2, batches_total = batches_total + 1,
            last_run_at = now(), last_caught_up_at = CASE WHEN $3 THEN now() ELSE last_caught_up_at END
      WHERE id = 1`,
    [newWatermark, fresh + (recovered.rowCount ?? 0), caughtUp],
  );
  return {
    events: fresh,
    recovered: recovered.rowCount ?? 0,
    gapsOpen: gaps.rows[0]?.n ?? 0,
    caughtUp,
  };
}

const RESOLUTIONS = `(VALUES ('minute'), ('hour'), ('day')) AS r(res)`;

type Keep = { minute: number; hour: number };

/** SQL condition: the event (alias b) falls within what resolution r.res keeps. */
function kept(keep: Keep, at = "b.at"): string {
  const days = (d: number) => `now() - make_interval(secs => ${Math.round(d * 86_400)})`;
  return `NOT ((r.res = 'minute' AND ${at} < ${days(keep.minute)}) OR (r.res = 'hour' AND ${at} < ${days(keep.hour)}))`;
}

async function foldEvents(c: PoolClient, t: TableNames, keep: Keep) {
  await c.query(
    `INSERT INTO ${t.ownTable("rollup_events")} AS x (resolution, bucket, endpoint, kind, response_class, events)
     SELECT r.res, date_trunc(r.res, b.at), b.endpoint, b.kind, coalesce(b.response_code / 100, 0), count(*)
       FROM batch b CROSS JOIN ${RESOLUTIONS}
      WHERE ${kept(keep)}
      GROUP BY 1, 2, 3, 4, 5
     ON CONFLICT (resolution, bucket, endpoint, kind, response_class)
     DO UPDATE SET events = x.events + excluded.events`,
  );
}

async function foldLatency(c: PoolClient, t: TableNames, keep: Keep) {
  await c.query(
    `INSERT INTO ${t.ownTable("rollup_latency")} AS x (resolution, bucket, endpoint, kind, le_index, events)
     SELECT r.res, date_trunc(r.res, b.at), b.endpoint, b.kind, width_bucket(b.latency_ms, $1::float8[]), count(*)
       FROM batch b CROSS JOIN ${RESOLUTIONS}
      WHERE b.latency_ms IS NOT NULL AND b.kind IN ('replayed', 'completed', 'failed') AND ${kept(keep)}
      GROUP BY 1, 2, 3, 4, 5
     ON CONFLICT (resolution, bucket, endpoint, kind, le_index)
     DO UPDATE SET events = x.events + excluded.events`,
    [LATENCY_BOUNDS_MS],
  );
}

async function foldClients(c: PoolClient, t: TableNames, keep: Keep) {
  await c.query(
    `INSERT INTO ${t.ownTable("rollup_clients")} AS x
       (resolution, bucket, scope, endpoint, requests, claimed, reclaimed, replayed, conflicts, mismatches)
     SELECT r.res, date_trunc(r.res, b.at), b.scope, coalesce(r.ep, b.endpoint),
            count(*), count(*) FILTER (WHERE kind = 'claimed'), count(*) FILTER (WHERE kind = 'reclaimed'),
            count(*) FILTER (WHERE kind = 'replayed'), count(*) FILTER (WHERE kind = 'conflict'),
            count(*) FILTER (WHERE kind = 'mismatch')
       FROM batch b CROSS JOIN ${CLIENT_GRAINS}
      WHERE b.kind IN ${REQUEST_KINDS} AND ${kept(clientKeep(keep))}
      GROUP BY 1, 2, 3, 4
     ON CONFLICT (resolution, bucket, scope, endpoint) DO UPDATE SET
       requests = x.requests + excluded.requests, claimed = x.claimed + excluded.claimed,
       reclaimed = x.reclaimed + excluded.reclaimed, replayed = x.replayed + excluded.replayed,
       conflicts = x.conflicts + excluded.conflicts, mismatches = x.mismatches + excluded.mismatches`,
  );
}

/**
 * Per-intent memory: first request, first success. A success that is not its intent's first
 * (ordered by at, then id) is a duplicate; when a late-arriving event turns out to be earlier
 * than the recorded first success, the recorded one becomes the duplicate instead.
 */
async function foldIntents(c: PoolClient, t: TableNames, keep: Keep) {
  const intents = t.ownTable("intents");
  await c.query(
    `CREATE TEMP TABLE touched ON COMMIT DROP AS
     WITH per AS (
       SELECT scope, endpoint, key,
              (array_agg(at ORDER BY at, id) FILTER (WHERE req))[1] AS breq_at,
              (array_agg(id ORDER BY at, id) FILTER (WHERE req))[1] AS breq_id,
              (array_agg(at ORDER BY at, id) FILTER (WHERE ok))[1] AS bfirst_at,
              (array_agg(id ORDER BY at, id) FILTER (WHERE ok))[1] AS bfirst_id,
              count(*) FILTER (WHERE ok)::int AS oks
         FROM (SELECT *, kind = 'completed' AND response_code BETWEEN 200 AND 299 AS ok,
                      kind IN ${REQUEST_KINDS} AS req FROM batch) b
        GROUP BY 1, 2, 3),
     joined AS (
       SELECT per.*, i.first_request_at AS old_req_at, i.first_request_id AS old_req_id,
              i.first_success_at AS old_first_at, i.first_success_id AS old_first_id,
              (i.first_success_id IS NOT NULL AND per.bfirst_id IS NOT NULL
                AND (per.bfirst_at, per.bfirst_id) < (i.first_success_at, i.first_success_id)) AS displaced,
              (i.first_request_id IS NOT NULL AND per.breq_id IS NOT NULL
                AND (per.breq_at, per.breq_id) < (i.first_request_at, i.first_request_id)) AS req_displaced
         FROM per LEFT JOIN ${intents} i USING (scope, endpoint, key))
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
  // Retry delays: every request but the intent's very first, measured from the first request.
  // When an earlier first request arrives late, the one recorded before becomes a retry (a
  // claim that wasn't the first: new work after expiry).
  await c.query(
    `INSERT INTO ${t.ownTable("rollup_retry_delays")} AS x (bucket, endpoint, class, le_index, events)
     SELECT date_trunc('day', d.at), d.endpoint, d.class,
            width_bucket(extract(epoch FROM d.at - d.first_at)::float8, $1::float8[]), count(*)
       FROM (
         SELECT b.at, b.endpoint, tt.new_req_at AS first_at,
                CASE WHEN b.kind = 'claimed' THEN 'after_expiry' ELSE 'retry' END AS class
           FROM batch b JOIN touched tt USING (scope, endpoint, key)
          WHERE b.kind IN ${REQUEST_KINDS} AND b.id <> tt.new_req_id
         UNION ALL
         SELECT old_req_at, endpoint, new_req_at, 'after_expiry' FROM touched WHERE req_displaced
       ) d
      GROUP BY 1, 2, 3, 4
     ON CONFLICT (bucket, endpoint, class, le_index) DO UPDATE SET events = x.events + excluded.events`,
    [RETRY_DELAY_BOUNDS_S],
  );
  // Keys per client: an intent counts once, in the bucket of its first request (moved when an
  // earlier first request arrives late).
  await c.query(
    `INSERT INTO ${t.ownTable("rollup_clients")} AS x
       (resolution, bucket, scope, endpoint, requests, claimed, reclaimed, replayed, conflicts, mismatches, keys)
     SELECT r.res, date_trunc(r.res, k.at), k.scope, coalesce(r.ep, k.endpoint), 0, 0, 0, 0, 0, 0, sum(k.delta)
       FROM (
         SELECT breq_at AS at, scope, endpoint, 1 AS delta FROM touched
          WHERE breq_id IS NOT NULL AND (old_req_id IS NULL OR req_displaced)
         UNION ALL
         SELECT old_req_at, scope, endpoint, -1 FROM touched WHERE req_displaced
       ) k CROSS JOIN ${CLIENT_GRAINS}
      WHERE ${kept(clientKeep(keep), "k.at")}
      GROUP BY 1, 2, 3, 4
     HAVING sum(k.delta) <> 0
     ON CONFLICT (resolution, bucket, scope, endpoint) DO UPDATE SET keys = x.keys + excluded.keys`,
  );
  await c.query(
    `INSERT INTO ${intents} AS i (scope, endpoint, key, first_request_at, first_request_id, first_success_at, first_success_id, successes)
     SELECT scope, endpoint, key, new_req_at, new_req_id, bfirst_at, bfirst_id, oks FROM touched
     ON CONFLICT (scope, endpoint, key) DO UPDATE SET
       first_request_at = excluded.first_request_at,
       first_request_id = excluded.first_request_id,
       first_success_at = CASE WHEN i.first_success_id IS NULL
                                 OR (excluded.first_success_at, excluded.first_success_id) < (i.first_success_at, i.first_success_id)
                               THEN coalesce(excluded.first_success_at, i.first_success_at) ELSE i.first_success_at END,
       first_success_id = CASE WHEN i.first_success_id IS NULL
                                 OR (excluded.first_success_at, excluded.first_success_id) < (i.first_success_at, i.first_success_id)
                               THEN coalesce(excluded.first_success_id, i.first_success_id) ELSE i.first_success_id END,
       successes = i.successes + excluded.successes`,
  );
}
