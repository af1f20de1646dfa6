// Medusa v2 (@medusajs/medusa 2.x) keeps no idempotency_key table: requests are made idempotent by
// the workflow engine, which keeps one row per workflow run in workflow_execution. Sources:
// packages/modules/workflow-engine-inmemory/src/migrations/ (the table, tests/fixtures/stores/
// medusa-v2.sql), src/models/workflow-execution.ts, src/utils/workflow-orchestrator-storage.ts
// (saveToDb upserts the run at not_started and when it finishes; clearExpiredExecutions deletes
// finished runs retention_time seconds after their last update, every 30 minutes),
// packages/core/utils/src/orchestration/types.ts (TransactionState) and
// packages/core/core-flows/src/cart/workflows/complete-cart.ts (store: true, idempotent: false,
// retentionTime three days; a lock on the cart for 120 s).
/** The states of a run that ended (TransactionState): the writer and the demo use the same. */
export const MEDUSA_V2_FINISHED_STATES = ["done", "failed", "reverted"] as const;
const FINISHED = `r.state IN (${MEDUSA_V2_FINISHED_STATES.map((s) => `'${s}'`).join(", ")})`;
const UTC = (column: string) => `(r.${column} AT TIME ZONE 'UTC')`;

export const medusaV2 = {
  name: "medusa-v2",
  title: "Medusa v2 workflow executions (workflow_execution)",
  library: "medusajs/medusa (v2 workflow engine)",
  ddlSource:
    "packages/modules/workflow-engine-inmemory/src/migrations/*.ts, src/utils/workflow-orchestrator-storage.ts, packages/core/core-flows/src/cart/workflows/complete-cart.ts",
  table: { schema: "public", name: "workflow_execution" },
  columns: {
    workflow_id: "character varying",
    transaction_id: "character varying",
    run_id: "text",
    state: "character varying",
    context: "jsonb",
    created_at: "timestamp without time zone",
    updated_at: "timestamp without time zone",
    retention_time: "integer",
  },
  lets: {},
  derive: {
    // a run is the row: its primary key, hashed to the 64-bit id every page uses
    id: "hashtextextended(r.workflow_id || chr(31) || r.transaction_id || chr(31) || r.run_id, 0)",
    scope: "'(none)'",
    // the caller's transaction id is the idempotency key: a second run of it is a second execution
    key: "r.transaction_id",
    endpoint: "r.workflow_id",
    request_hash: "md5(coalesce(r.context #> '{data,payload}', 'null'::jsonb)::text)",
    status: `CASE r.state WHEN 'done' THEN 'completed' WHEN 'failed' THEN 'failed'
      WHEN 'reverted' THEN 'failed' ELSE 'in_progress' END`,
    recovery_point: "r.state",
    locked_at: `CASE WHEN ${FINISHED} THEN NULL ELSE ${UTC("updated_at")} END`,
    lock_owner: "NULL",
    // the row keeps no HTTP answer: a done run is answered 200 (the order), a failed or
    // reverted one with the workflow's error
    response_code:
      "CASE r.state WHEN 'done' THEN 200 WHEN 'failed' THEN 500 WHEN 'reverted' THEN 500 END",
    response_body: "NULL",
    attempts: "NULL",
    created_at: UTC("created_at"),
    updated_at: UTC("updated_at"),
    completed_at: `CASE WHEN ${FINISHED} THEN ${UTC("updated_at")} END`,
    expires_at: `CASE WHEN ${FINISHED} AND r.retention_time IS NOT NULL
      THEN ${UTC("updated_at")} + make_interval(secs => r.retention_time)
      ELSE 'infinity'::timestamptz END`,
    attempt_marker: "NULL",
  },
  // complete-cart holds its cart lock for 120 s: a run unfinished past that is stuck
  lockTimeoutSeconds: 120,
  sees: {
    claims: true,
    completions: true,
    reclaims:
      "a run resumed after its process died writes nothing until it finishes, so the retry that resumed it is not seen",
    replays:
      "a workflow marked idempotent answers a retry from its stored run and writes nothing; complete-cart is not idempotent and runs again",
    conflicts:
      'a request refused while the transaction runs (409 "already being completed") writes nothing: only the service\'s spans show it',
    mismatches: "Medusa v2 does not compare a retry's input with the stored one",
    expiries: true,
    clients: "workflow_execution names no caller: every run belongs to client '(none)'",
  },
  actions: {
    release: {
      kind: "unavailable",
      reason:
        "Medusa's workflow engine resumes or compensates its own runs; a run changed behind its back would leave its steps half done",
    },
    fail: {
      kind: "unavailable",
      reason:
        "marking a run failed in workflow_execution would not compensate the steps it already ran (a payment authorised stays authorised)",
    },
  },
  notes: [
    "One row is one workflow run. The key is the run's transaction_id: a workflow run with the caller's idempotency key as transactionId (a custom route) makes each retry after a finished run a second execution, counted as a duplicate success. Medusa's own POST /store/carts/:id/complete passes no transaction id: each request is a transaction of its own (auto-…), so its retries are separate keys.",
    "Only workflows created with store: true or a retentionTime are written at all; a finished run without a retention time is deleted at once.",
    "Times are timestamp without time zone, read as UTC (Medusa writes now() on a UTC server).",
    "Runs are read whether or not deleted_at is set: the engine's cleaner deletes rows outright, and a run someone soft-deleted still happened.",
  ],
};
