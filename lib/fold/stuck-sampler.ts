// Stuck-key history for the Overview chart: the store only knows who is stuck now, so the
// collector leader samples the count (from the partial index) and keeps each bucket's highest.
import type { StoreContext } from "../contract/context";
import type { Pool } from "pg";
import { identifier, sql, toQuery } from "../db/sql";
import { stuckFrom, whereStuck } from "../contract/stuck";

export async function sampleStuckKeys(ctx: StoreContext<Pool>): Promise<void> {
  const { tables: t } = ctx;
  await ctx.db.query(
    toQuery(sql`WITH counts AS (
       SELECT k.endpoint, count(*)::int AS n ${stuckFrom(ctx)} WHERE ${whereStuck(ctx, {})} GROUP BY k.endpoint
     ), sample AS (
       SELECT endpoint, n FROM counts
       UNION ALL SELECT '*', coalesce(sum(n), 0)::int FROM counts
     )
     INSERT INTO ${identifier(t.ownTable("stuck_samples"))} AS x (resolution, bucket, endpoint, stuck)
     SELECT r.res, date_trunc(r.res, now()), s.endpoint, s.n
       FROM sample s CROSS JOIN (VALUES ('minute'), ('hour'), ('day')) AS r(res)
     ON CONFLICT (resolution, bucket, endpoint) DO UPDATE SET stuck = greatest(x.stuck, excluded.stuck)`),
  );
}
