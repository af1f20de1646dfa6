// The request side of a collector batch (temp tables `batch` and `touched`,
// lib/fold/fold-intents.ts): retry delays, and the per-client rows (their request counts and
// their keys, in one upsert per row).
import type { BatchContext } from "./batch-context";
import type { TableNames } from "../contract/tables";
import { ADD_CLIENT_COUNTERS, ALL_ENDPOINTS, CLIENT_COUNTERS, nameNewClients } from "./client-rows";
import {
  CLIENT_HOUR_DAYS,
  CLIENT_MINUTE_HOURS,
  foldedBefore,
  foldedParams,
  REQUEST_KINDS,
} from "../contract/vocabulary";
import { binOf, bucketAt, grainOf } from "../contract/grains";
import { RETRY_DELAY_BOUNDS_S } from "../contract/histograms";

const CLASS_OF = (kind: string) =>
  `CASE WHEN ${kind} = 'claimed' THEN 'after_expiry' ELSE 'retry' END`;

/** The head of a retry-delay upsert of the rows (at, endpoint, first_at, class, delta) that
 * follow it, closed by GROUP_RETRY_DELAYS. */
function insertRetryDelays(t: TableNames): string {
  return `INSERT INTO ${t.ownTable("rollup_retry_delays")} AS x (bucket, endpoint, class, le_index, events)
     SELECT date_trunc('day', d.at), d.endpoint, d.class,
            width_bucket(extract(epoch FROM d.at - d.first_at)::float8, $1::float8[]), sum(d.delta)
       FROM (`;
}
const GROUP_RETRY_DELAYS = `) d (at, endpoint, first_at, class, delta)
      GROUP BY 1, 2, 3, 4
     HAVING sum(d.delta) <> 0
     ON CONFLICT (bucket, endpoint, class, le_index) DO UPDATE SET events = x.events + excluded.events`;

/**
 * Retry delays: every request but the intent's very first, measured from the first request (a
 * claim that is not the first is new work after expiry). When an earlier first request turns up
 * (a late commit, or history folded newest first), the intent's requests folded before are
 * measured again from it: their old delays come out, their new ones go in, and the old first
 * becomes a retry itself. Exact whatever the order of the batches.
 */
export async function foldRetryDelays({
  db: c,
  tables: t,
  folded: f,
}: BatchContext): Promise<void> {
  // only intents with a request in the batch that is not their first: a retry is the exception,
  // and the batch is read back for those alone
  await c.query(
    `${insertRetryDelays(t)}
     SELECT b.at, b.endpoint, tt.new_req_at AS first_at, ${CLASS_OF("b.kind")} AS class, 1 AS delta
       FROM batch b
       JOIN (SELECT scope, endpoint, key, new_req_at, new_req_id FROM touched
              WHERE reqs > 1 OR breq_id <> new_req_id) tt USING (scope, endpoint, key)
      WHERE b.kind IN ${REQUEST_KINDS} AND b.id <> tt.new_req_id
     ${GROUP_RETRY_DELAYS}`,
    [RETRY_DELAY_BOUNDS_S],
  );
  // A displaced first request is rare (a few intents a batch). Its intent's earlier requests are
  // found through the events' intent index: the planner, blind to how few rows the work table
  // holds, hashed every event folded so far instead (0.2 s of a 0.5 s step at 1 M keys, and
  // growing as the fold went on)
  const displaced = await c.query<{ any: boolean }>(
    `SELECT EXISTS (SELECT FROM touched WHERE req_displaced) AS any`,
  );
  if (!displaced.rows[0]!.any) return;
  // merge joins are off for the whole batch (lib/fold/pipeline.ts): this leaves the nested loop
  await c.query("SET LOCAL enable_hashjoin = off");
  await c.query(
    `WITH displaced AS (SELECT * FROM touched WHERE req_displaced),
     before AS (
       -- the displaced intents' requests folded by earlier batches (the old first aside)
       SELECT e.id, e.at, e.endpoint, e.kind, d.old_req_at, d.new_req_at
         FROM displaced d JOIN ${t.events} e
           ON e.scope = d.scope AND e.endpoint = d.endpoint AND e.key = d.key
        WHERE e.kind IN ${REQUEST_KINDS} AND e.id <> d.old_req_id
          AND ${foldedBefore("e", t.ownTable("collector_gaps"), 2)}
     )
     ${insertRetryDelays(t)}
     SELECT o.at, o.endpoint, d.new_req_at, ${CLASS_OF("o.kind")}, 1
       FROM displaced d JOIN ${t.events} o ON o.id = d.old_req_id
     UNION ALL
     -- a first request a library's import folded has no event (its id is negative): it was a
     -- claim, when its row was created
     SELECT old_req_at, endpoint, new_req_at, ${CLASS_OF("'claimed'")}, 1
       FROM displaced WHERE old_req_id < 0
     UNION ALL
     SELECT at, endpoint, old_req_at, ${CLASS_OF("kind")}, -1 FROM before
     UNION ALL
     SELECT at, endpoint, new_req_at, ${CLASS_OF("kind")}, 1 FROM before
     ${GROUP_RETRY_DELAYS}`,
    [RETRY_DELAY_BOUNDS_S, ...foldedParams(f)],
  );
  await c.query("SET LOCAL enable_hashjoin = on");
}

/** rollup_clients rows a cell of grain g feeds: over all endpoints at every grain ≥ g, and per
 * endpoint by the day. */
const CLIENT_ROWS = `(VALUES ('minute', 'm'::"char", 1, true), ('hour', 'h', 2, true), ('day', 'd', 3, true),
  ('day', 'd', 3, false)) AS r(res, code, rank, all_endpoints)`;

const STAGED = `$1::boolean AND resolution = 'd' AND ($2::timestamptz IS NULL OR bucket < $2::timestamptz)`;

/**
 * Per-client rows: the batch's requests and the keys first requested in it (an intent counts
 * once, in the bucket of its first request, moved when an earlier first request arrives late).
 * Summed first per client, endpoint and finest grain kept (minute rows three hours, hour rows
 * eight days), then into each row, one upsert per row.
 */
export async function foldClientRows({
  db: c,
  tables: t,
  keep,
  stageClientDays: stage,
}: BatchContext): Promise<void> {
  await nameNewClients(c, t);
  const clientKeep = {
    minute: CLIENT_MINUTE_HOURS / 24,
    hour: Math.min(keep.hour, CLIENT_HOUR_DAYS),
  };
  await c.query(
    `WITH u AS (
       SELECT at, scope, endpoint, 1 AS req, (kind = 'claimed')::int AS claimed,
              (kind = 'reclaimed')::int AS reclaimed, (kind = 'replayed')::int AS replayed,
              (kind = 'conflict')::int AS conflicts, (kind = 'mismatch')::int AS mismatches, 0 AS keys
         FROM batch WHERE kind IN ${REQUEST_KINDS}
       UNION ALL
       SELECT breq_at, scope, endpoint, 0, 0, 0, 0, 0, 0, 1 FROM touched
        WHERE breq_id IS NOT NULL AND (old_req_id IS NULL OR req_displaced)
       UNION ALL
       SELECT old_req_at, scope, endpoint, 0, 0, 0, 0, 0, 0, -1 FROM touched WHERE req_displaced
     ),
     cells AS (
       SELECT grain, ${binOf("grain", "at")} AS bucket, scope, endpoint,
              sum(req)::int AS req, sum(claimed)::int AS claimed, sum(reclaimed)::int AS reclaimed,
              sum(replayed)::int AS replayed, sum(conflicts)::int AS conflicts,
              sum(mismatches)::int AS mismatches, sum(keys)::int AS keys
         FROM (SELECT ${grainOf(clientKeep, "at")} AS grain, * FROM u) g
        GROUP BY grain, bucket, scope, endpoint
     ),
     client_rows AS (
       SELECT r.code AS resolution, ${bucketAt("u")} AS bucket,
              n.id AS client, CASE WHEN r.all_endpoints THEN ${ALL_ENDPOINTS} ELSE e.id END AS endpoint,
              sum(u.req)::int AS requests, sum(u.claimed)::int AS claimed,
              sum(u.reclaimed)::int AS reclaimed, sum(u.replayed)::int AS replayed,
              sum(u.conflicts)::int AS conflicts, sum(u.mismatches)::int AS mismatches,
              sum(u.keys)::int AS keys
         FROM cells u
         JOIN ${t.ownTable("client_names")} n ON n.scope = u.scope
         JOIN ${t.ownTable("endpoint_names")} e ON e.endpoint = u.endpoint
         JOIN ${CLIENT_ROWS} ON r.rank >= u.grain
        GROUP BY 1, 2, 3, 4
       HAVING sum(u.req) <> 0 OR sum(u.keys) <> 0
     ),
     staged AS (
       INSERT INTO ${t.ownTable("history_client_days")} (bucket, client, endpoint, ${CLIENT_COUNTERS})
       SELECT bucket, client, endpoint, ${CLIENT_COUNTERS} FROM client_rows WHERE ${STAGED}
     )
     INSERT INTO ${t.ownTable("rollup_clients")} AS x (resolution, bucket, client, endpoint, ${CLIENT_COUNTERS})
     SELECT * FROM client_rows WHERE NOT (${STAGED})
      ORDER BY resolution, bucket, client, endpoint -- in the primary key's order: neighbouring rows share its pages
     ${ADD_CLIENT_COUNTERS}`,
    [stage !== null, stage?.from ?? null],
  );
}
