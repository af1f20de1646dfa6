// The collector's state as the dashboard shows it (lag, leader, errors).
import "server-only";
import type { Pool } from "pg";
import type { CollectorStatus } from "../api-types/overview";
import type { TableNames } from "../tables";

export async function getCollectorStatus(db: Pool, t: TableNames): Promise<CollectorStatus> {
  const r = await db.query<CollectorStatus>(
    `SELECT extract(epoch FROM now() - last_caught_up_at)::float8 AS "lagSeconds", leader,
            events_total::float8 AS "eventsTotal", errors_total::float8 AS "errorsTotal", last_error AS "lastError",
            (SELECT count(*)::int FROM ${t.ownTable("collector_gaps")}) AS "openGaps"
       FROM ${t.ownTable("collector_state")} WHERE id = 1`,
  );
  return (
    r.rows[0] ?? {
      lagSeconds: null,
      leader: null,
      eventsTotal: 0,
      errorsTotal: 0,
      lastError: null,
      openGaps: 0,
    }
  );
}
