// Hot keys (lib/contract/schema/hot-keys.ts), from the batch (temp tables `batch` and `touched`,
// lib/fold/fold-intents.ts). An intent becomes hot when its requests reach HOT_REQUESTS: its
// requests folded before are read back from the events table once (by the intent index) and
// from then on every batch adds its own. Exact for a hot intent whatever the order of batches:
// each request is counted either in that read-back or by the batch that folds it, never both.
import type { BatchContext } from "./batch-context";
import type { Queryable } from "../contract/context";
import type { TableNames } from "../contract/tables";
import {
  CLIENT_HOUR_DAYS,
  CLIENT_MINUTE_HOURS,
  foldedBefore,
  foldedParams,
  REQUEST_KINDS,
} from "../contract/vocabulary";
import { since } from "../contract/grains";
import { fillWorkTable } from "./work-tables";

/** Requests that make an intent hot: a retry storm on one key, not a retry or two. */
export const HOT_REQUESTS = 3;
/** Minute rows as long as the per-client minute rows, hour rows as long as their hour rows. */
export const HOT_KEEP_DAYS = { minute: CLIENT_MINUTE_HOURS / 24, hour: CLIENT_HOUR_DAYS };

/** SQL: the oldest time a hot intent's request is kept at any grain. */
const KEPT_SINCE = since(Math.max(HOT_KEEP_DAYS.minute, HOT_KEEP_DAYS.hour));

export async function foldHotIntents({ db: c, tables: t, folded: f }: BatchContext): Promise<void> {
  // A batch older than every row kept (most of a history folded newest first) adds no row of its
  // own: only intents that cross now with requests folded before (which may read newer, kept ones
  // back) are selected, not the batch's every intent joined to the names
  const recent = await c.query<{ any: boolean }>(
    `SELECT EXISTS (SELECT FROM batch WHERE at >= ${KEPT_SINCE} AND kind IN ${REQUEST_KINDS}) AS any`,
  );
  const hot = await fillWorkTable(
    c,
    "hot_now",
    `SELECT tt.intent, tt.scope, tt.endpoint, tt.key, h.intent IS NULL AS crossing,
            tt.old_req_id IS NOT NULL AS requested_before
       FROM touched tt LEFT JOIN ${t.ownTable("hot_intents")} h USING (intent)
      WHERE tt.reqs > 0 AND (h.intent IS NOT NULL OR coalesce(tt.old_reqs, 0) + tt.reqs >= $1)
        AND ($2::boolean OR (h.intent IS NULL AND tt.old_req_id IS NOT NULL))`,
    [HOT_REQUESTS, recent.rows[0]!.any],
  );
  if (hot === 0) return;
  // names only for the intents that have a row kept: a history holds weeks of storms older than
  // any row kept, and naming them all (for retention to delete) made hot_intents the second
  // largest table, 442 MiB for 1.06 M names kept at 10 M keys with 40 % hot intents. An intent
  // named without rows would be no different from one not named: both cross again when a later
  // request comes, and read back what was folded before.
  await c.query(
    `WITH kept AS (
     INSERT INTO ${t.ownTable("hot_intent_buckets")} AS x (resolution, bucket, intent, requests)
     SELECT r.res, date_trunc(r.res, q.at), q.intent, count(*)
       FROM (
         SELECT b.at, h.intent FROM batch b JOIN hot_now h USING (scope, endpoint, key)
          WHERE b.kind IN ${REQUEST_KINDS}
         UNION ALL
         -- a new hot intent's requests folded by earlier batches (as foldRetryDelays reads them);
         -- only where the memory knew a request of it: a storm whose requests all arrive in this
         -- batch (most of them) has none to read back, and needs no probe of the events table
         SELECT e.at, h.intent FROM hot_now h JOIN ${t.events} e
             ON e.scope = h.scope AND e.endpoint = h.endpoint AND e.key = h.key
          WHERE h.crossing AND h.requested_before AND e.kind IN ${REQUEST_KINDS}
            AND e.at >= ${KEPT_SINCE} -- (the intent index's last column)
            AND ${foldedBefore("e", t.ownTable("collector_gaps"), 1)}
       ) q
       CROSS JOIN (VALUES ('minute', ${since(HOT_KEEP_DAYS.minute)}), ('hour', ${since(HOT_KEEP_DAYS.hour)})) AS r(res, since)
      WHERE q.at >= r.since
      GROUP BY 1, 2, 3
     ON CONFLICT (resolution, bucket, intent) DO UPDATE SET requests = x.requests + excluded.requests
     RETURNING intent
     )
     INSERT INTO ${t.ownTable("hot_intents")} (intent, scope, endpoint, key)
     SELECT intent, scope, endpoint, key FROM hot_now
      WHERE crossing AND intent IN (SELECT intent FROM kept)
     ON CONFLICT (intent) DO NOTHING`,
    foldedParams(f),
  );
}

/** Retention: rows past their grain's days, then the names no row refers to any more. */
export async function expireHotIntents(c: Queryable, t: TableNames): Promise<void> {
  await c.query(
    `DELETE FROM ${t.ownTable("hot_intent_buckets")}
      WHERE (resolution = 'minute' AND bucket < ${since(HOT_KEEP_DAYS.minute)})
         OR (resolution = 'hour' AND bucket < ${since(HOT_KEEP_DAYS.hour)})`,
  );
  await c.query(
    `DELETE FROM ${t.ownTable("hot_intents")} h
      WHERE NOT EXISTS (SELECT 1 FROM ${t.ownTable("hot_intent_buckets")} b WHERE b.intent = h.intent)`,
  );
}
