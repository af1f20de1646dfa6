// The collector's state as the dashboard (lag, leader, errors) and /api/metrics (plus its
// heartbeat and batch count) show it.
import "server-only";
import type { StoreContext } from "../../contract/context";
import type { CollectorStatus } from "../../client/api-types/overview";
import { publicInstance, publicReason } from "./public-reason";

export type CollectorState = CollectorStatus & {
  /** Unix seconds of the last batch; null before the first */
  lastRunAt: number | null;
  batchesTotal: number;
  /** the history fold: events folded and to fold (null without history), and a pause */
  historyDone: number | null;
  historyTotal: number | null;
  paused: boolean;
  /** the history fold kept to a rate limit now (lib/fold/history-folder.ts) */
  historyRateLimited: boolean;
  /** elections won back from a session without idemscope's rights that held the lock */
  electionTakeovers: number;
};

export async function readCollectorState(ctx: StoreContext): Promise<CollectorState> {
  const { db, tables: t } = ctx;
  const r = await db.query<CollectorState>(
    `SELECT extract(epoch FROM now() - last_caught_up_at)::float8 AS "lagSeconds", leader,
            extract(epoch FROM last_run_at)::float8 AS "lastRunAt",
            events_total::float8 AS "eventsTotal", batches_total::float8 AS "batchesTotal",
            errors_total::float8 AS "errorsTotal", last_error AS "lastError",
            (SELECT count(*)::int FROM ${t.ownTable("collector_gaps")}) AS "openGaps",
            CASE WHEN history_total > 0 THEN history_done::float8 END AS "historyDone",
            CASE WHEN history_total > 0 THEN greatest(history_total, history_done)::float8 END AS "historyTotal",
            paused_reason IS NOT NULL AS paused,
            history_limit_reason IS NOT NULL AND history_finished_at IS NULL AS "historyRateLimited",
            leader_generation::float8 AS "electionTakeovers"
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
      historyDone: null,
      historyTotal: null,
      paused: false,
      historyRateLimited: false,
      electionTakeovers: 0,
    }
  );
}

/** The collector's status as every viewer sees it: the cause of a failure, not its text. */
export async function getCollectorStatus(ctx: StoreContext): Promise<CollectorStatus> {
  const {
    lastRunAt: _lastRunAt,
    batchesTotal: _batches,
    historyDone: _done,
    historyTotal: _total,
    paused: _paused,
    historyRateLimited: _limited,
    electionTakeovers: _takeovers,
    ...status
  } = await readCollectorState(ctx);
  return {
    ...status,
    leader: status.leader && publicInstance(status.leader),
    lastError: status.lastError && publicReason(status.lastError),
  };
}
