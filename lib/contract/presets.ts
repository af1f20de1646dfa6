// The built-in store presets (docs/presets.md). Each derivation follows the library's own source,
// cited per preset; the same DDL is in tests/fixtures/stores/ for the tests.
import { DEFAULT_LOCK_TIMEOUT_SECONDS } from "../core/config";
import { CONTRACT_COLUMNS, CONTRACT_DERIVATION, presetSchema, type Preset } from "./preset";
import { SPANS_ONLY_PRESET } from "./preset-spans-only";
import { medusaV2 } from "./preset-medusa-v2";

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
const stripeStyle = {
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
const medusaV1 = {
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

/**
 * @node-idempotency/storage-adapter-postgres: `packages/storage-adapter-postgres/src/adapter-postgres.ts`
 * (UNLOGGED table, setIfNotExists = INSERT … ON CONFLICT DO UPDATE … WHERE expires_at < NOW(),
 * set, delete, purge function) and `packages/core/src/idempotency.ts` (cache key
 * `node-idempotency:METHOD:path:key`, JSON payload {status, fingerPrint, response}, 1-day TTL).
 */
const nodeIdempotency = {
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

/**
 * MassTransit's Entity Framework Core inbox (consumer-side deduplication): the InboxState entity
 * of MassTransit.EntityFrameworkCoreIntegration (one row per (MessageId, ConsumerId),
 * ReceiveCount incremented on every delivery, Consumed set when the consumer finished).
 */
const massTransitInbox = {
  name: "masstransit-inbox",
  title: "MassTransit EF Core inbox (InboxState)",
  library: "MassTransit/MassTransit (EntityFrameworkCoreIntegration)",
  ddlSource: "InboxState entity of MassTransit.EntityFrameworkCoreIntegration (EF Core migration)",
  table: { schema: "public", name: "InboxState" },
  columns: {
    Id: "bigint",
    MessageId: "uuid",
    ConsumerId: "uuid",
    LockId: "uuid",
    Received: "timestamp with time zone",
    ReceiveCount: "integer",
    ExpirationTime: "timestamp with time zone",
    Consumed: "timestamp with time zone",
    Delivered: "timestamp with time zone",
  },
  lets: {},
  derive: {
    id: 'r."Id"',
    scope: 'r."ConsumerId"::text',
    key: 'r."MessageId"::text',
    endpoint: "'consume'",
    request_hash: "''",
    status: `CASE WHEN r."Consumed" IS NULL THEN 'in_progress' ELSE 'completed' END`,
    recovery_point: `CASE WHEN r."Delivered" IS NOT NULL THEN 'delivered' END`,
    locked_at: `CASE WHEN r."Consumed" IS NULL THEN r."Received" END`,
    lock_owner: 'r."LockId"::text',
    response_code: `CASE WHEN r."Consumed" IS NOT NULL THEN 200 END`,
    response_body: "NULL",
    attempts: 'r."ReceiveCount"',
    created_at: 'r."Received"',
    updated_at: 'coalesce(r."Delivered", r."Consumed", r."Received")',
    completed_at: 'r."Consumed"',
    expires_at: `coalesce(r."ExpirationTime", 'infinity'::timestamptz)`,
    attempt_marker: 'r."ReceiveCount"',
  },
  lockTimeoutSeconds: 300,
  sees: {
    claims: true,
    completions: true,
    reclaims: true,
    replays: true,
    conflicts:
      "a redelivery while another consumer holds the message waits for its row lock and is then counted as a reclaim or a replay",
    mismatches: "messages carry no request fingerprint",
    expiries: true,
    clients: true,
  },
  actions: {
    release: {
      kind: "unavailable",
      reason:
        "The broker redelivers an unconsumed message by itself; changing the inbox row would not run the consumer again.",
    },
    fail: {
      kind: "unavailable",
      reason:
        "Marking a message consumed would drop it silently; fault it with MassTransit's own redelivery and error queues.",
    },
  },
  notes: [
    "Clients are consumers (ConsumerId), keys are message ids, and the one endpoint is 'consume'.",
  ],
};

export const BUILT_IN_PRESETS: ReadonlyMap<string, Preset> = new Map(
  [stripeStyle, medusaV1, nodeIdempotency, massTransitInbox, medusaV2].map((p) => [
    p.name,
    presetSchema.parse(p),
  ]),
);

/** The contract's name, as `--preset` and the JSON API spell it. */
export const CONTRACT_PRESET = "contract";

/**
 * The store contract itself (docs/store-contract.md; DDL in lib/contract/schema/contract.ts), as
 * data like any library's layout: every column is its own, its writer appends its own events
 * (so nothing is captured), and release and fail change the row in place. Its lock timeout is
 * IDEMSCOPE_LOCK_TIMEOUT_SECONDS' default.
 */
export const CONTRACT: Preset = presetSchema.parse({
  name: CONTRACT_PRESET,
  title: "idemscope store contract",
  library: "idemscope (the store contract)",
  ddlSource: "lib/contract/schema/contract.ts",
  table: { schema: "public", name: "idempotency_keys" },
  columns: CONTRACT_COLUMNS,
  derive: CONTRACT_DERIVATION,
  lockTimeoutSeconds: DEFAULT_LOCK_TIMEOUT_SECONDS,
  sees: {
    claims: true,
    completions: true,
    reclaims: true,
    replays: true,
    conflicts: true,
    mismatches: true,
    expiries: true,
    clients: true,
  },
  actions: {
    release: {
      kind: "update",
      set: "locked_at = NULL, lock_owner = NULL, updated_at = now()",
      explanation:
        "Release unlocks the key: the client's next retry runs the work again (from its recovery point). Use it when the work did not happen or is safe to repeat.",
    },
    fail: {
      kind: "update",
      set: `status = 'failed', locked_at = NULL, lock_owner = NULL, updated_at = now(),
        response_code = 500, response_body = {failed_response}, completed_at = now()`,
      explanation:
        "Fail stores a terminal error: every retry with this key gets a definitive 500 answer and the work never runs again. Use it when the work must not be repeated.",
    },
  },
  amounts: true,
  notes: [],
});

export const PRESET_NAMES = [CONTRACT_PRESET, ...BUILT_IN_PRESETS.keys(), SPANS_ONLY_PRESET];
