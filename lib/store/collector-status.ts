// The collector's state as the dashboard (lag, leader, errors) and /api/metrics (plus its
// heartbeat and batch count) show it.
import "server-only";
import type { StoreContext } from "../db/context";
import type { CollectorStatus } from "../api-types/overview";

export type CollectorState = CollectorStatus & {
  /** Unix seconds of the last batch; null before the first */
  lastRunAt: number | null;
  batchesTotal: number;
};

export async function readCollectorState(ctx: StoreContext): Promise<CollectorState> {
  const { db, tables: t } = ctx;
  const r = await db.query<CollectorState>(
    `SELECT extract(epoch FROM now() - last_caught_up_at)::float8 AS "lagSeconds", leader,
            extract(epoch FROM last_run_at)::float8 AS "lastRunAt",
            events_total::float8 AS "eventsTotal", batches_total::float8 AS "batchesTotal",
            errors_total::float8 AS "errorsTotal", last_error AS "lastError",
            (SELECT count(*)::int FROM ${t.ownTable("collector_gaps")}) AS "openGaps"
       FROM ${t.ownTable("collector_state")} WHERE id = 1`,
  );
  return (
    r.rows[0] ?? {
      lagSeconds: null,
      leader: null,
      lastRunAt: null,
      eventsTotal: 0,
      batchesTotal: 0,
      errorsTotal: 0,
      lastError: null,
      openGaps: 0,
    }
  );
}

export async function getCollectorStatus(ctx: StoreContext): Promise<CollectorStatus> {
  const {
    lastRunAt: _lastRunAt,
    batchesTotal: _batches,
    ...status
  } = await readCollectorState(ctx);
  return status;
}
