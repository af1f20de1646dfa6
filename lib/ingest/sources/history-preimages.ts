// The import's own tables and the preimages it relies on (./history-import.ts): each row's state
// before its first captured change, recorded by the drain (./capture-drain.ts) and by idemscope's
// own release and fail while the import runs.
import {
  HISTORY_IMPORT_TABLE,
  HISTORY_IMPORTED_TABLE,
  HISTORY_PREIMAGES_TABLE,
} from "../../contract/tables";
import type { SourceBinding } from "../../contract/source-binding";
import type { OwnNames } from "./derived-sql";

/** What a row's state at T0 needs to say, in the mapping view's columns. */
export const STATE = [
  "id",
  "scope",
  "endpoint",
  "key",
  "request_hash",
  "status",
  "response_code",
  "created_at",
  "completed_at",
  "updated_at",
] as const;
export const STATE_LIST = STATE.join(", ");

/** The import's tables, created with the source. */
export function historyImportStatements(t: OwnNames): string[] {
  return [
    `CREATE TABLE ${t.ownTable(HISTORY_IMPORT_TABLE)} (
       id          int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
       -- the table's blocks at or above it are read; NULL until the first batch sizes the table
       next_block  bigint,
       -- the oldest transaction running when the first batch began: a row version written by it
       -- or a later one may be a row the import read before, moved by an update since; and the
       -- table's storage then (a rewrite moves every row)
       moves_from  xid8,
       read_filenode oid,
       blocks      bigint,
       rows_total  bigint,
       rows_read   bigint NOT NULL DEFAULT 0,
       -- the synthetic event ids used so far (two a row read: its request and its outcome)
       events      bigint NOT NULL DEFAULT 0,
       -- rows without a key, client or endpoint: nothing to say about them
       skipped     bigint NOT NULL DEFAULT 0,
       started_at  timestamptz NOT NULL DEFAULT now(),
       finished_at timestamptz
     )`,
    `INSERT INTO ${t.ownTable(HISTORY_IMPORT_TABLE)} (id) VALUES (1)`,
    `CREATE TABLE ${t.ownTable(HISTORY_PREIMAGES_TABLE)} (
       id            bigint PRIMARY KEY,
       -- inserted after capture began: the import has nothing to say about it
       born          boolean NOT NULL,
       scope         text,
       endpoint      text,
       key           text,
       request_hash  text,
       status        text,
       response_code int,
       created_at    timestamptz,
       completed_at  timestamptz,
       updated_at    timestamptz
     )`,
    // the rows imported so far, while the import runs: a row an update moved is met twice.
    // Unlogged (no WAL for ten million ids): a crash of the database empties it, and a row an
    // update moves during the rest of that import may then be counted twice (docs/capture.md)
    `CREATE UNLOGGED TABLE ${t.ownTable(HISTORY_IMPORTED_TABLE)} (id bigint PRIMARY KEY)`,
  ];
}

export function historyImportDropStatements(t: OwnNames): string[] {
  return [HISTORY_IMPORT_TABLE, HISTORY_PREIMAGES_TABLE, HISTORY_IMPORTED_TABLE].map(
    (name) => `DROP TABLE IF EXISTS ${t.ownTable(name)}`,
  );
}

const importing = (t: OwnNames) =>
  `EXISTS (SELECT 1 FROM ${t.ownTable(HISTORY_IMPORT_TABLE)} WHERE finished_at IS NULL)`;

/**
 * The CTE that records each row's state before its first captured change while the import runs,
 * for the derivation statement of ./capture-drain.ts: it reads `k` (seq, op, id, scope, endpoint,
 * key and the old image's old_hash, old_status, old_code, old_created, old_completed, old_updated).
 */
export function preimageCte(binding: SourceBinding, t: OwnNames): string {
  if (!binding.importsHistory) return "";
  return `
    , preimages AS (
      INSERT INTO ${t.ownTable(HISTORY_PREIMAGES_TABLE)} (id, born, ${STATE_LIST.replace("id, ", "")})
      SELECT DISTINCT ON (k.id) k.id, k.op = 'INSERT', k.scope, k.endpoint, k.key, k.old_hash,
             k.old_status, k.old_code, k.old_created, k.old_completed, k.old_updated
        FROM k
       WHERE k.op IN ('INSERT', 'UPDATE', 'DELETE') AND k.id IS NOT NULL AND ${importing(t)}
       ORDER BY k.id, k.seq
      ON CONFLICT (id) DO NOTHING
      RETURNING 1
    )`;
}

/**
 * The same for idemscope's own release and fail, which capture leaves out: a CTE over the action
 * statement's `target` (the keys before the change, in the mapping view's columns) and `changed`.
 */
export function preimageActionCte(binding: SourceBinding, t: OwnNames): string {
  if (!binding.importsHistory) return "";
  return `
    , preimages AS (
      INSERT INTO ${t.ownTable(HISTORY_PREIMAGES_TABLE)} (id, born, ${STATE_LIST.replace("id, ", "")})
      SELECT b.id, false, ${STATE.slice(1)
        .map((c) => `b.${c}`)
        .join(", ")}
        FROM target b
       WHERE b.id IN (SELECT id FROM changed) AND ${importing(t)}
      ON CONFLICT (id) DO NOTHING
    )`;
}
