// Retry storms of the past (issue #34): the hours in which a client sent far more requests per
// key than it usually does, from its hour rows (kept CLIENT_HOUR_DAYS days), whether they were
// folded live or from a store's history. The live storm (./client-totals.ts, refreshStorms) says
// what goes on now, to the minute; this says which hours of a range held one. Recomputed over the
// hour rows still kept, every few minutes, in one statement; older hours stay as they were.
import type { Pool } from "pg";
import type { StoreContext } from "../contract/context";
import { inTransaction } from "../db/pool";
import { CLIENT_HOUR_DAYS } from "../contract/vocabulary";
import { ALL_ENDPOINTS, CLIENT_RES } from "./client-rows";
import { STORM } from "./client-totals";

/** Storm hours are kept this long (they are few: a client's worst hours). */
const KEPT_DAYS = 90;

export async function refreshStormHistory(ctx: StoreContext<Pool>): Promise<void> {
  const r = ctx.tables.ownTable;
  await inTransaction(ctx.db, async (c) => {
    await c.query(
      `DELETE FROM ${r("client_storm_hours")}
        WHERE hour >= now() - make_interval(days => $1) OR hour < now() - make_interval(days => $2)`,
      [CLIENT_HOUR_DAYS, KEPT_DAYS],
    );
    // the baseline: the client's requests per key over the hours kept (at least STORM's keys);
    // a storm hour: ≥ STORM.factor times it, with enough requests to be more than noise
    await c.query(
      `WITH hours AS (
         SELECT client, bucket AS hour, requests, keys FROM ${r("rollup_clients")}
          WHERE resolution = '${CLIENT_RES.hour}' AND endpoint = ${ALL_ENDPOINTS}
            AND bucket >= now() - make_interval(days => $1) AND bucket < date_trunc('hour', now())
       ), base AS (
         SELECT client, sum(requests)::float8 / nullif(sum(keys), 0) AS rate
           FROM hours GROUP BY client HAVING sum(keys) >= $2
       )
       INSERT INTO ${r("client_storm_hours")} (scope, hour, rate, baseline, factor, requests)
       SELECT n.scope, h.hour, h.requests::float8 / greatest(h.keys, 1), b.rate,
              h.requests::float8 / greatest(h.keys, 1) / b.rate, h.requests
         FROM hours h JOIN base b USING (client)
         JOIN ${r("client_names")} n ON n.id = h.client
        WHERE h.requests >= $3 AND h.requests::float8 / greatest(h.keys, 1) >= $4 * b.rate
       ON CONFLICT (scope, hour) DO NOTHING`,
      [CLIENT_HOUR_DAYS, STORM.minBaselineKeys, STORM.minWindowRequests, STORM.factor],
    );
  });
}
