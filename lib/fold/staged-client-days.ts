// History's per-client day rows (lib/contract/schema/history.ts, history_client_days): a history batch
// appends them, and once every event of a day is folded (the fold's complete-from time is at or
// before its midnight) they are summed into rollup_clients, one upsert per client, endpoint and
// day instead of one per batch. Until then the day's per-client numbers lack them, as they lack
// the events not folded yet: the pages mark that range as incomplete.
import type { PoolClient } from "pg";
import type { TableNames } from "../contract/tables";
import { ADD_CLIENT_COUNTERS, CLIENT_COUNTERS } from "./client-rows";

/** Moves the staged rows of days complete from `completeFrom` on (all of them when null). */
export async function mergeStagedClientDays(
  c: PoolClient,
  t: TableNames,
  completeFrom: Date | null,
): Promise<void> {
  const staged = t.ownTable("history_client_days");
  // the fold is over: every row is summed, then the table emptied at once (a DELETE of every row
  // writes each to the WAL and keeps its page until a vacuum)
  const everything = completeFrom === null;
  await c.query(
    `${everything ? "" : `WITH moved AS (DELETE FROM ${staged} WHERE bucket >= $1::timestamptz RETURNING *)`}
     INSERT INTO ${t.ownTable("rollup_clients")} AS x (resolution, bucket, client, endpoint, ${CLIENT_COUNTERS})
     SELECT 'd', bucket, client, endpoint, sum(requests), sum(claimed), sum(reclaimed), sum(replayed),
            sum(conflicts), sum(mismatches), sum(keys)
       FROM ${everything ? staged : "moved"}
      GROUP BY bucket, client, endpoint
     HAVING sum(requests) <> 0 OR sum(keys) <> 0
      ORDER BY bucket, client, endpoint -- in the primary key's order: neighbouring rows share its pages
     ${ADD_CLIENT_COUNTERS}`,
    everything ? [] : [completeFrom],
  );
  if (everything) await c.query(`TRUNCATE ${staged}`);
}

/** Whether a batch that moved the complete-from time from `before` to `after` completed a day. */
export function completedADay(before: Date | null, after: Date | null): boolean {
  if (after === null) return true; // finished: everything is complete
  if (before === null) return true;
  const day = (d: Date) => Math.floor(d.getTime() / 86_400_000);
  // a day is complete once the time reaches its midnight: after ≤ midnight < before's day end
  return day(after) !== day(before) || after.getTime() % 86_400_000 === 0;
}
