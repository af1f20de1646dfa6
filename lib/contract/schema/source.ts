// The connected source (lib/ingest/sources): one row, written by `npm run connect -- --apply`, read by
// every idemscope process on that database. No row: the store follows the contract.
import type { TableNames } from "../tables";

export function sourceStatements(t: TableNames): string[] {
  return [
    `CREATE TABLE ${t.ownTable("source")} (
      id           int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      preset       text NOT NULL,
      definition   jsonb NOT NULL,
      table_schema text NOT NULL,
      table_name   text NOT NULL,
      capture      text NOT NULL CHECK (capture IN ('triggers')),
      installed_at timestamptz NOT NULL DEFAULT now(),
      installed_by text NOT NULL DEFAULT current_user
    )`,
  ];
}

/**
 * Capture modes beyond triggers (docs/store-contract.md, "Capture modes"): logical decoding of
 * the table's changes through a slot, and OpenTelemetry spans for the requests that write nothing.
 * `logical_state` is the decoder's position: what it has committed into idemscope's schema, so a
 * restart neither loses nor repeats a transaction; and its health for the Overview and metrics.
 */
export function captureModeStatements(t: TableNames): string[] {
  const source = t.ownTable("source");
  return [
    `ALTER TABLE ${source} DROP CONSTRAINT source_capture_check`,
    `ALTER TABLE ${source} ADD CONSTRAINT source_capture_check CHECK (capture IN ('triggers', 'logical'))`,
    `ALTER TABLE ${source}
       ADD COLUMN spans             boolean NOT NULL DEFAULT false,
       ADD COLUMN slot_name         text,
       ADD COLUMN publication_name  text,
       ADD COLUMN publication_owned boolean NOT NULL DEFAULT false`,
    `CREATE TABLE ${t.ownTable("logical_state")} (
      id                 int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      slot_name          text NOT NULL,
      -- end of the last transaction committed here: everything up to it is in capture_queue
      applied_lsn        pg_lsn NOT NULL DEFAULT '0/0',
      applied_commit_at  timestamptz,
      -- the newest heartbeat (a WAL message) after which nothing was left to apply
      caught_up_to       timestamptz,
      transactions_total bigint NOT NULL DEFAULT 0,
      changes_total      bigint NOT NULL DEFAULT 0,
      skipped_total      bigint NOT NULL DEFAULT 0,
      starts_total       bigint NOT NULL DEFAULT 0,
      consumer           text,
      last_error         text,
      last_error_at      timestamptz,
      -- the slot as the consumer last saw it on the primary (a replica's reads cannot see it)
      retained_wal_bytes bigint,
      safe_wal_bytes     bigint,
      wal_status         text,
      slot_sampled_at    timestamptz
    )`,
  ];
}

/** The span-only source (lib/contract/preset-spans-only.ts): capture 'spans', with no table read. */
export function spansOnlyStatements(t: TableNames): string[] {
  const source = t.ownTable("source");
  return [
    `ALTER TABLE ${source} DROP CONSTRAINT source_capture_check`,
    `ALTER TABLE ${source} ADD CONSTRAINT source_capture_check CHECK (capture IN ('triggers', 'logical', 'spans'))`,
  ];
}
