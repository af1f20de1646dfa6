// A writer that leaves workflow_execution as Medusa v2's workflow engine does for one request
// (packages/modules/workflow-engine-inmemory/src/utils/workflow-orchestrator-storage.ts, saveToDb
// and get; services/workflow-orchestrator.ts, run): the newest run of the transaction is read;
// one still running answers 409 ("already being completed"), one whose process died (its cart
// lock, 120 s, lapsed) is resumed and finishes in place; otherwise a new run is upserted at
// not_started and again when it is done (complete-cart is not idempotent: a transaction that
// already finished runs again). Times are written in UTC, as Medusa's servers run.
import { randomBytes } from "node:crypto";
import type { Pool } from "pg";
import { MEDUSA_V2_FINISHED_STATES } from "../../../lib/contract/preset-medusa-v2";

export type MedusaV2Outcome = "completed" | "completed (resumed)" | "conflict" | "crashed";

/** complete-cart's cart lock: a run unfinished past it belongs to a process that died */
export const MEDUSA_V2_LOCK_SECONDS = 120;
const FINISHED: readonly string[] = MEDUSA_V2_FINISHED_STATES;

// a ULID-like id: time first, so the newest run sorts last (the engine orders runs by id)
const ulid = () =>
  `${Date.now().toString(36).padStart(10, "0")}${randomBytes(8).toString("hex")}`.toUpperCase();

export async function medusaV2Run(
  pool: Pool,
  table: string,
  req: {
    transactionId: string;
    input: Record<string, unknown>;
    crash?: boolean;
    workflowId?: string;
    /** retentionTime of the workflow: complete-cart keeps finished runs three days */
    retentionSeconds: number;
  },
): Promise<MedusaV2Outcome> {
  const workflow = req.workflowId ?? "complete-cart";
  const newest = await pool.query<{ run_id: string; state: string; stale: boolean }>(
    `SELECT run_id, state,
            updated_at < (now() AT TIME ZONE 'UTC') - make_interval(secs => $3) AS stale
       FROM ${table} WHERE workflow_id = $1 AND transaction_id = $2
      ORDER BY id DESC LIMIT 1`,
    [workflow, req.transactionId, MEDUSA_V2_LOCK_SECONDS],
  );
  const run = newest.rows[0];
  const context = JSON.stringify({ data: { payload: req.input }, errors: [] });
  if (run && !FINISHED.includes(run.state)) {
    if (!run.stale) return "conflict";
    await pool.query(
      `UPDATE ${table} SET state = 'done', updated_at = now() AT TIME ZONE 'UTC'
        WHERE workflow_id = $1 AND transaction_id = $2 AND run_id = $3`,
      [workflow, req.transactionId, run.run_id],
    );
    return "completed (resumed)";
  }
  const runId = ulid();
  await pool.query(
    `INSERT INTO ${table} (id, workflow_id, transaction_id, run_id, execution, context, state,
                           created_at, updated_at, retention_time)
     VALUES ($1, $2, $3, $4, '{}'::jsonb, $5::jsonb, 'not_started', now() AT TIME ZONE 'UTC',
             now() AT TIME ZONE 'UTC', $6)`,
    [`wf_exec_${runId}`, workflow, req.transactionId, runId, context, req.retentionSeconds],
  );
  if (req.crash) return "crashed";
  await pool.query(
    `UPDATE ${table} SET state = 'done', updated_at = now() AT TIME ZONE 'UTC',
            execution = jsonb_build_object('runId', $4::text, 'state', 'done')
      WHERE workflow_id = $1 AND transaction_id = $2 AND run_id = $3`,
    [workflow, req.transactionId, runId, runId],
  );
  return "completed";
}

/** clearExpiredExecutions: finished runs retention_time seconds after their last update. */
export async function clearExpiredExecutions(pool: Pool, table: string): Promise<number> {
  const r = await pool.query(
    `DELETE FROM ${table}
      WHERE retention_time IS NOT NULL
        AND updated_at <= (now() AT TIME ZONE 'UTC') - interval '1 second' * retention_time
        AND state = ANY ($1)`,
    [MEDUSA_V2_FINISHED_STATES],
  );
  return r.rowCount ?? 0;
}
