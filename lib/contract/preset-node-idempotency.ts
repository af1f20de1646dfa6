// The built-in preset of @node-idempotency's PostgreSQL adapter (docs/presets.md), derived from the
// library's own source, cited below.

/**
 * @node-idempotency/storage-adapter-postgres: `packages/storage-adapter-postgres/src/adapter-postgres.ts`
 * (UNLOGGED table, setIfNotExists = INSERT … ON CONFLICT DO UPDATE … WHERE expires_at < NOW(),
 * set, delete, purge function) and `packages/core/src/idempotency.ts` (cache key
 * `node-idempotency:METHOD:path:key`, JSON payload {status, fingerPrint, response}, 1-day TTL).
 */
export const nodeIdempotency = {
  name: "node-idempotency",
  title: "@node-idempotency/storage-adapter-postgres",
  library: "mahendraHegde/node-idempotency",
  ddlSource:
    "packages/storage-adapter-postgres/src/adapter-postgres.ts, packages/core/src/idempotency.ts",
  table: { schema: "node_idempotency", name: "idempotency" },
  columns: {
    key: "character varying",
    created_at: "timestamp with time zone",
    data: "text",
    expires_at: "timestamp with time zone",
  },
  lets: {
    j: "CASE WHEN pg_input_is_valid(r.data, 'jsonb') THEN r.data::jsonb END",
    // the adapter stamps no lock or update time: the last write was at expires_at − TTL (the
    // library's default cacheTTLMS here: set the service's own), never before the row's creation
    ttl: "interval '1 day'",
    written: "greatest(r.created_at, r.expires_at - {ttl})",
  },
  derive: {
    id: "hashtextextended(r.key, 0)",
    scope: "'(none)'",
    key: "regexp_replace(r.key, '^([^:]*:){3}', '')",
    endpoint: "split_part(r.key, ':', 2) || ' ' || split_part(r.key, ':', 3)",
    request_hash: "coalesce({j}->>'fingerPrint', '')",
    status: `CASE WHEN {j}->>'status' = 'COMPLETE'
      THEN CASE WHEN {j}->'response' ? 'error' THEN 'failed' ELSE 'completed' END
      ELSE 'in_progress' END`,
    recovery_point: "NULL",
    locked_at: "CASE WHEN {j}->>'status' = 'COMPLETE' THEN NULL ELSE {written} END",
    lock_owner: "NULL",
    response_code: `CASE WHEN {j}->'response'->'additional'->>'statusCode' ~ '^[1-5][0-9][0-9]$'
        THEN ({j}->'response'->'additional'->>'statusCode')::int
      WHEN {j}->'response' ? 'error' THEN 500
      WHEN {j}->>'status' = 'COMPLETE' THEN 200 END`,
    response_body: "{j}->'response'",
    attempts: "NULL",
    created_at: "r.created_at",
    updated_at: "{written}",
    completed_at: "CASE WHEN {j}->>'status' = 'COMPLETE' THEN {written} END",
    expires_at: "r.expires_at",
    attempt_marker: "r.expires_at",
  },
  lockTimeoutSeconds: 300,
  proposals: { conflictColumns: ["key"], refusedWhen: "x.expires_at >= now()" },
  sees: {
    claims: true,
    completions: true,
    reclaims: true,
    replays: true,
    conflicts: true,
    mismatches: true,
    expiries: true,
    clients: "the cache key has no client: every key belongs to client '(none)'",
  },
  actions: {
    release: {
      kind: "delete",
      explanation:
        "Deletes the key's row, as the adapter's delete(key) does: the client's next retry runs the request again.",
    },
    fail: {
      kind: "update",
      set: `data = jsonb_build_object('status', 'COMPLETE', 'fingerPrint', {j}->'fingerPrint',
        'response', jsonb_build_object('error', {failed_response},
          'additional', jsonb_build_object('statusCode', 500)))::text`,
      explanation:
        "Stores a COMPLETE payload with an error: every retry until the key expires gets that error.",
    },
  },
  notes: [
    "The adapter creates the table UNLOGGED: after a crash PostgreSQL empties it without firing any DELETE trigger, so those keys' expiry is not captured.",
    "A refused claim is classified when the BEFORE INSERT trigger runs, but the library reads the row again afterwards: a request racing a completion may be counted as a 409 and answered as a replay, and the loser of two claims racing on a new key is not seen at all.",
  ],
};
