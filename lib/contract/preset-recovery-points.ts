// The two built-in presets of recovery-point layouts, where a key's row records how far its work
// got and a finished key keeps its stored answer: Stripe-style (rocket-rides-atomic) and Medusa v1
// (docs/presets.md). Each derivation follows the library's own source, cited per preset.

/** Fail in the recovery-point layouts (Stripe-style, Medusa): the key finished with a stored 500. */
const FINISH_WITH_500 = {
  kind: "update",
  set: "locked_at = NULL, recovery_point = 'finished', response_code = 500, response_body = {failed_response}",
  explanation:
    "Finishes the key with a stored 500: every retry gets that answer and the work never runs again.",
} as const;

const FINISHED_STATUS = `CASE WHEN r.recovery_point <> 'finished' THEN 'in_progress'
  WHEN r.response_code >= 500 THEN 'failed' ELSE 'completed' END`;

/**
 * brandur/rocket-rides-atomic, the design of Stripe's idempotency keys: `schema.sql` (table),
 * `api.rb` (claim, resume, recovery points, completion, unlock on error), `reaper.rb` (DELETE
 * after 72 h), constants IDEMPOTENCY_KEY_LOCK_TIMEOUT = 90 s and IDEMPOTENCY_KEY_REAP_TIMEOUT.
 */
export const stripeStyle = {
  name: "stripe-style",
  title: "Stripe-style keys (brandur/rocket-rides-atomic)",
  library: "brandur/rocket-rides-atomic",
  ddlSource: "schema.sql, api.rb, reaper.rb",
  table: { schema: "public", name: "idempotency_keys" },
  columns: {
    id: "bigint",
    created_at: "timestamp with time zone",
    idempotency_key: "text",
    last_run_at: "timestamp with time zone",
    locked_at: "timestamp with time zone",
    request_method: "text",
    request_params: "jsonb",
    request_path: "text",
    response_code: "integer",
    response_body: "jsonb",
    recovery_point: "text",
    user_id: "bigint",
  },
  lets: {},
  derive: {
    id: "r.id",
    scope: "r.user_id::text",
    key: "r.idempotency_key",
    endpoint: "r.request_method || ' ' || r.request_path",
    request_hash: "md5(r.request_params::text)",
    status: FINISHED_STATUS,
    recovery_point: "r.recovery_point",
    locked_at: "r.locked_at",
    lock_owner: "NULL",
    response_code: "r.response_code",
    response_body: "r.response_body",
    attempts: "NULL",
    created_at: "r.created_at",
    updated_at: "r.last_run_at",
    completed_at: "NULL",
    expires_at: "r.created_at + interval '72 hours'",
    attempt_marker: "r.last_run_at",
  },
  lockTimeoutSeconds: 90,
  sees: {
    claims: true,
    completions: true,
    reclaims: true,
    replays: "a retry of a finished key is answered from the stored row and writes nothing",
    conflicts: "a 409 for a key still locked writes nothing",
    mismatches: "a 409 for different parameters writes nothing",
    expiries: true,
    clients: true,
  },
  actions: {
    release: {
      kind: "update",
      set: "locked_at = NULL",
      explanation:
        "Clears locked_at, as the library's own unlock on error does: the client's next retry (or the completer) resumes the request at its recovery point.",
    },
    fail: FINISH_WITH_500,
  },
  notes: [
    "The library takes over a lock older than 90 s on the next retry, so a stuck key also clears itself when its client retries.",
    "completed_at is not recorded by the library; the key page shows the completion from the captured event.",
  ],
};

/**
 * Medusa v1: `packages/medusa/src/migrations/1611063162649-initial_schema.ts` (table) and
 * `packages/medusa/src/services/idempotency-key.js` (initializeRequest, lock, workStage).
 */
export const medusaV1 = {
  name: "medusa-v1",
  title: "Medusa v1 idempotency_key",
  library: "medusajs/medusa (v1)",
  ddlSource:
    "packages/medusa/src/migrations/1611063162649-initial_schema.ts, packages/medusa/src/services/idempotency-key.js",
  table: { schema: "public", name: "idempotency_key" },
  columns: {
    id: "character varying",
    idempotency_key: "character varying",
    created_at: "timestamp with time zone",
    locked_at: "timestamp with time zone",
    request_method: "character varying",
    request_params: "jsonb",
    request_path: "character varying",
    response_code: "integer",
    response_body: "jsonb",
    recovery_point: "character varying",
  },
  lets: {},
  derive: {
    // the primary key is text ('ikey_…'): a stable 64-bit hash stands in for the numeric id
    id: "hashtextextended(r.id, 0)",
    scope: "'(none)'",
    key: "r.idempotency_key",
    endpoint: "coalesce(r.request_method, '?') || ' ' || coalesce(r.request_path, '?')",
    request_hash: "md5(coalesce(r.request_params::text, ''))",
    status: FINISHED_STATUS,
    recovery_point: "r.recovery_point",
    locked_at: "r.locked_at",
    lock_owner: "NULL",
    response_code: "r.response_code",
    response_body: "r.response_body",
    attempts: "NULL",
    created_at: "r.created_at",
    updated_at: "coalesce(r.locked_at, r.created_at)",
    completed_at: "NULL",
    expires_at: "'infinity'::timestamptz",
    attempt_marker: "r.locked_at",
  },
  lockTimeoutSeconds: 300,
  sees: {
    claims: true,
    completions: true,
    reclaims: true,
    replays: "Medusa answers a retry from the stored row and writes nothing",
    conflicts: "Medusa v1 writes nothing for a request refused while the key is locked",
    mismatches: "Medusa v1 does not compare a retry's parameters with the stored ones",
    expiries: "Medusa v1 has no TTL and never purges keys",
    clients: "the table has no client column: every key belongs to client '(none)'",
  },
  actions: {
    release: {
      kind: "update",
      set: "locked_at = NULL",
      explanation:
        "Clears locked_at: the next request with this key continues its work stages from the recovery point.",
    },
    fail: FINISH_WITH_500,
  },
  notes: [
    "Keys never expire in Medusa v1, so the table only grows; the Store page shows it.",
    "Key ids on idemscope's pages are a 64-bit hash of Medusa's text id (hashtextextended).",
    "Medusa v1's lock() is not atomic: two concurrent requests with one key can both run the work. Each finish is a completion, so the duplicate success is counted; a work stage saved after the other request finished is read as part of its own execution, not as a new one.",
  ],
};
