// DDL of the store contract (docs/store-contract.md), as statements for any table names: the migration applies
// them to the configured tables, tests to a schema of their own.
import { escapeIdentifier } from "pg";
import type { TableNames } from "../tables";

export const EVENT_KINDS = [
  "claimed",
  "completed",
  "failed",
  "replayed",
  "conflict",
  "mismatch",
  "reclaimed",
  "released",
  "failed_manually",
  "expired",
] as const;

/** `baseNames` are the bare table names, used to name constraints and indexes. */
export function contractStatements(
  t: TableNames,
  baseNames: { keys: string; events: string },
): string[] {
  const idx = (name: string) => escapeIdentifier(`${baseNames.keys}_${name}`);
  return [
    `CREATE TABLE ${t.keys} (
      id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      scope          text NOT NULL,
      key            text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
      endpoint       text NOT NULL,
      request_hash   text NOT NULL,
      status         text NOT NULL CHECK (status IN ('in_progress', 'completed', 'failed')),
      recovery_point text,
      locked_at      timestamptz,
      lock_owner     text,
      response_code  int,
      response_body  jsonb,
      attempts       int NOT NULL DEFAULT 1,
      created_at     timestamptz NOT NULL DEFAULT now(),
      updated_at     timestamptz NOT NULL DEFAULT now(),
      completed_at   timestamptz,
      expires_at     timestamptz NOT NULL,
      CONSTRAINT ${idx("intent_key")} UNIQUE (scope, endpoint, key)
    )`,
    // Stuck-key queries read only in-progress rows: the partial index keeps them off the
    // completed majority. lib/query/store queries repeat this predicate exactly.
    `CREATE INDEX ${idx("in_progress_idx")} ON ${t.keys} (locked_at) WHERE status = 'in_progress'`,
    // The TTL purger deletes by expiry; purger health counts rows past it.
    `CREATE INDEX ${idx("expires_at_idx")} ON ${t.keys} (expires_at)`,
    ...eventsTableStatements(t.events, baseNames.events),
  ];
}

/**
 * The events table and its indexes: the contract's, and the one trigger capture appends to in
 * idemscope's own schema (lib/ingest/sources/capture-sql.ts). `baseName` names the indexes.
 */
export function eventsTableStatements(events: string, baseName: string): string[] {
  const eidx = (name: string) => escapeIdentifier(`${baseName}_${name}`);
  const kinds = EVENT_KINDS.map((k) => `'${k}'`).join(", ");
  return [
    // No foreign key to the keys table on purpose: history outlives purged key rows.
    `CREATE TABLE ${events} (
      id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at            timestamptz NOT NULL DEFAULT now(),
      key_id        bigint,
      scope         text NOT NULL,
      endpoint      text NOT NULL,
      key           text NOT NULL,
      kind          text NOT NULL CHECK (kind IN (${kinds})),
      request_hash  text,
      response_code int,
      latency_ms    double precision,
      instance      text,
      trace_id      text
    )`,
    `CREATE INDEX ${eidx("at_idx")} ON ${events} (at)`,
    `CREATE INDEX ${eidx("intent_idx")} ON ${events} (scope, endpoint, key, at)`,
    `CREATE INDEX ${eidx("key_id_idx")} ON ${events} (key_id)`,
  ];
}

/** idemscope's own schema: the audit log and the store size history. */
export function ownSchemaStatements(t: TableNames): string[] {
  const audit = t.ownTable("audit_log");
  const samples = t.ownTable("store_size_samples");
  return [
    `CREATE SCHEMA IF NOT EXISTS ${t.own}`,
    `CREATE TABLE ${audit} (
      id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at         timestamptz NOT NULL DEFAULT now(),
      actor      text NOT NULL,
      actor_role text NOT NULL,
      action     text NOT NULL CHECK (action IN ('release', 'fail', 'reveal')),
      key_id     bigint,
      scope      text,
      endpoint   text,
      key        text,
      reason     text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
      before     jsonb,
      after      jsonb
    )`,
    `CREATE INDEX audit_log_at_idx ON ${audit} (at DESC, id DESC)`,
    `CREATE INDEX audit_log_key_idx ON ${audit} (key_id)`,
    `CREATE TABLE ${samples} (
      at         timestamptz NOT NULL,
      table_name text NOT NULL,
      rows       bigint NOT NULL,
      bytes      bigint NOT NULL,
      PRIMARY KEY (table_name, at)
    )`,
  ];
}
