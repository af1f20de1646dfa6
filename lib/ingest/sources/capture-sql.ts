// The SQL that connects a preset's table (docs/presets.md): a mapping view that derives the
// contract's keys, and a capture that queues each relevant row change (its before and after
// images) for the collector, which turns them into contract events with the same derivation
// (./capture-drain.ts). The capture is either row triggers or logical decoding (a publication
// here, the slot and its consumer in ./logical-setup.ts and ./logical-consumer.ts). Trigger
// capture never fails the service's write: it copies raw row images and evaluates nothing a preset
// derives; a queue that is missing is counted and reported as a WARNING, and the write goes on.
import { escapeIdentifier, escapeLiteral } from "pg";
import { DEFAULT_CAPTURE_QUEUE_LIMIT_BYTES } from "../../core/config";
import { FAILED_RESPONSE } from "../../contract/failed-response";
import { eventsTableStatements } from "../../contract/schema/contract";
import { CAPTURE_QUEUE_TABLE, SOURCE_EVENTS_TABLE, SOURCE_KEYS_VIEW } from "../../contract/tables";
import type { SourceBinding } from "../../contract/source-binding";
import { createPublicationStatement } from "./logical-setup";
import { derivation, expandLets, type Preset } from "../../contract/preset";
import { derivedSelectList, type OwnNames } from "./derived-sql";
import { keptStateDropStatements, keptStateStatements } from "./kept-state";
import { historyImportDropStatements, historyImportStatements } from "./history-preimages";

export const CAPTURE_TRIGGER = "idemscope_capture";
export { CAPTURE_QUEUE_TABLE } from "../../contract/tables";
export const CAPTURE_UPDATE_TRIGGER = "idemscope_capture_update";
export const PROPOSAL_TRIGGER = "idemscope_capture_proposal";
/** The transactions of idemscope's own release and fail (lib/contract/schema/store-safety.ts). */
export const OPERATOR_MARKS_TABLE = "operator_marks";
/** The transaction id as pgoutput's BEGIN carries it (32 bits), in SQL. */
const CURRENT_XID32 = "(pg_current_xact_id()::text::bigint % 4294967296)";

/**
 * Marks the current transaction's changes of the store's table as idemscope's own (an operator's
 * release or fail writes its event itself): a row in operator_marks, which only idemscope's role
 * can write. The triggers look it up by the transaction's id, logical decoding by the id in the
 * transaction's BEGIN (lib/ingest/sources/logical-consumer.ts). A session setting or a WAL message, which
 * any login can produce, would let the service's role hide its own changes.
 */
export async function markOperatorChange(
  db: { query: (text: string) => Promise<unknown> },
  marksTable: string,
): Promise<void> {
  await db.query(
    `INSERT INTO ${marksTable} (xid) VALUES (${CURRENT_XID32}) ON CONFLICT DO NOTHING`,
  );
}

/** An action's SET list with the stored failure's JSON in place of {failed_response}. */
export function actionSetList(preset: Preset, set: string): string {
  const failed = `${escapeLiteral(JSON.stringify(FAILED_RESPONSE))}::jsonb`;
  return expandLets(preset, set).replaceAll("{failed_response}", failed);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const CAPTURED_DERIVATIONS = [
  "status",
  "attempt_marker",
  "response_code",
  "response_body",
  "locked_at",
  "lock_owner",
  "updated_at",
  "recovery_point",
  "attempts",
  "expires_at",
] as const;

/**
 * The table's own columns an UPDATE must change to be captured: those the event rules of the
 * drain compare (status, attempt marker, response) and those the kept state shows (a key's lock,
 * owner, last change, recovery point and expiry: lib/ingest/sources/kept-state.ts). Any other
 * UPDATE (a heartbeat) changes nothing idemscope shows. Raw columns, compared as text in the
 * UPDATE trigger's WHEN: nothing a preset derives is evaluated in the service's statement. A
 * derivation that reads the whole row (`to_jsonb(r)`) makes every column count.
 */
export function capturedColumns(preset: Preset): string[] {
  const texts = CAPTURED_DERIVATIONS.map((c) => derivation(preset, c));
  const all = Object.keys(preset.columns);
  if (texts.some((t) => /\br\b(?!\s*\.)/.test(t))) return all;
  const reads = (t: string, c: string) =>
    new RegExp(`\\br\\s*\\.\\s*(${escapeRegExp(c)}\\b|"${escapeRegExp(c)}")`).test(t);
  return all.filter((c) => texts.some((t) => reads(t, c)));
}

/** The statements that install the source, in order; run in one transaction. */
export function installStatements(
  binding: SourceBinding,
  t: OwnNames,
  queueLimitBytes = DEFAULT_CAPTURE_QUEUE_LIMIT_BYTES,
): string[] {
  const { preset, base } = binding;
  const events = t.ownTable(SOURCE_EVENTS_TABLE);
  const queue = t.ownTable(CAPTURE_QUEUE_TABLE);
  const view = t.ownTable(SOURCE_KEYS_VIEW);
  const errors = t.ownTable("capture_errors");
  const statements = [
    `CREATE SCHEMA IF NOT EXISTS ${t.own}`,
    ...eventsTableStatements(events, SOURCE_EVENTS_TABLE),
    `CREATE INDEX ${escapeIdentifier(`${SOURCE_EVENTS_TABLE}_key_search_idx`)} ON ${events}
       (key COLLATE "C", scope COLLATE "C", endpoint COLLATE "C")`,
    // A span-derived request is recorded once, however often its exporter retries the batch.
    `ALTER TABLE ${events} ADD COLUMN span_id text`,
    `CREATE UNIQUE INDEX ${escapeIdentifier(`${SOURCE_EVENTS_TABLE}_span_idx`)} ON ${events}
       (trace_id, span_id) WHERE span_id IS NOT NULL`,
    // Row changes wait here as images (one small heap row, one integer index entry); the
    // collector derives the events from them, set-based, outside the service's transaction.
    `CREATE TABLE ${queue} (
      seq     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at      timestamptz NOT NULL DEFAULT clock_timestamp(),
      op      text NOT NULL CHECK (op IN ('INSERT', 'UPDATE', 'DELETE', 'REFUSED')),
      old_row jsonb,
      new_row jsonb,
      -- the writing transaction: what the kept state's fill saw is not counted twice
      xid     xid8 DEFAULT pg_current_xact_id()
    )`,
    `CREATE SEQUENCE ${errors}`,
    ...(binding.capture.readsStore ? [] : standInStatements(binding)),
    `CREATE VIEW ${view} AS
     SELECT ${derivedSelectList(preset)}
       FROM ${base} AS r`,
    ...keptStateStatements(t),
    ...(binding.importsHistory ? historyImportStatements(t) : []),
    ...(binding.capture.streamsWal
      ? logicalStatements(binding, t)
      : binding.capture.rowTriggers
        ? triggerStatements(binding, t, queueLimitBytes)
        : []),
  ];
  statements.push(
    `INSERT INTO ${t.ownTable("source")}
       (preset, definition, table_schema, table_name, capture, spans, slot_name, publication_name, publication_owned)
     VALUES (${escapeLiteral(preset.name)}, ${escapeLiteral(JSON.stringify(preset))}::jsonb,
             ${escapeLiteral(binding.table.schema)}, ${escapeLiteral(binding.table.name)},
             ${escapeLiteral(binding.capture.name)}, ${binding.spans},
             ${binding.logical ? escapeLiteral(binding.logical.slot) : "NULL"},
             ${binding.logical ? escapeLiteral(binding.logical.publication) : "NULL"},
             ${binding.logical?.publicationOwned ?? false})`,
  );
  return statements;
}

/**
 * A span-only source's stand-in for the keys table (lib/contract/preset-spans-only.ts): the
 * contract's columns in idemscope's own schema, empty for ever (CHECK false), so that the mapping
 * view and every reader keep the contract's shape while the store itself is out of reach.
 */
function standInStatements(binding: SourceBinding): string[] {
  const columns = Object.entries(binding.preset.columns)
    .map(([name, type]) => `${escapeIdentifier(name)} ${type}`)
    .join(", ");
  return [`CREATE TABLE ${binding.base} (${columns}, CONSTRAINT never_written CHECK (false))`];
}

/** Logical decoding: the publication (unless the DBA made it) and the decoder's position row. */
function logicalStatements(binding: SourceBinding, t: OwnNames): string[] {
  const logical = binding.logical!;
  return [
    ...(logical.publicationOwned
      ? [createPublicationStatement(logical.publication, binding.base)]
      : []),
    `INSERT INTO ${t.ownTable("logical_state")} (slot_name) VALUES (${escapeLiteral(logical.slot)})`,
  ];
}

/**
 * Trigger capture: row triggers that copy each change's raw row images into the queue. What runs
 * in the service's statement evaluates nothing a preset says (derivations run later, in the
 * collector): an UPDATE's WHEN compares raw columns as text, and the function only inserts
 * `to_jsonb` images. It opens no subtransaction (an exception block per row fills the backend's
 * cache of 64 subtransactions in a long transaction, which then slows every snapshot on the
 * primary); what could still fail, a queue or marks table dropped by hand, is checked first and
 * skipped with a WARNING. The functions run only for the connected table and are not executable
 * by PUBLIC.
 */
function triggerStatements(binding: SourceBinding, t: OwnNames, queueLimitBytes: number): string[] {
  const { preset, base } = binding;
  const queue = t.ownTable(CAPTURE_QUEUE_TABLE);
  const errors = t.ownTable("capture_errors");
  const marks = t.ownTable(OPERATOR_MARKS_TABLE);
  const changeFn = t.ownTable("capture_change");
  const proposalFn = t.ownTable("capture_proposal");
  // TG_TABLE_* are plain text: a renamed or foreign table is skipped, never an error
  const connectedOnly = `TG_TABLE_SCHEMA = ${escapeLiteral(binding.table.schema)}
           AND TG_TABLE_NAME = ${escapeLiteral(binding.table.name)}`;
  const present = (name: string) => `to_regclass(${escapeLiteral(name)}) IS NOT NULL`;
  // the lookup is a statement of its own: PL/pgSQL plans it only when it runs, so a marks table
  // dropped by hand is skipped, not an error in the service's statement
  const skipOperatorChange = (result: "NULL" | "NEW") =>
    `IF ${present(marks)} THEN
         IF EXISTS (SELECT 1 FROM ${marks} WHERE xid = ${CURRENT_XID32}) THEN RETURN ${result}; END IF;
       END IF;`;
  const compared = capturedColumns(preset);
  // raw columns as text: casting any value to text cannot fail (json has no equality operator)
  const changed =
    compared.length === 0
      ? "false"
      : compared
          .map(
            (c) =>
              `OLD.${escapeIdentifier(c)}::text IS DISTINCT FROM NEW.${escapeIdentifier(c)}::text`,
          )
          .join("\n              OR ");
  const statements = [
    `CREATE FUNCTION ${changeFn}() RETURNS trigger
     LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $capture$
     BEGIN
       IF NOT (${connectedOnly}) THEN RETURN NULL; END IF;
       IF NOT (${present(queue)}) THEN
         -- never fail the service's write: count it, warn, carry on
         IF ${present(errors)} THEN PERFORM nextval(${escapeLiteral(errors)}); END IF;
         RAISE WARNING 'idemscope capture skipped % change(s): its queue is missing', TG_OP;
         RETURN NULL;
       END IF;
       -- a collector that stopped must not fill the service's disk: past the bound, count and skip
       -- (the heap alone: one size look-up, where the total also opens its index and TOAST)
       IF pg_relation_size(to_regclass(${escapeLiteral(queue)})) > ${Math.round(queueLimitBytes)} THEN
         IF ${present(errors)} THEN PERFORM nextval(${escapeLiteral(errors)}); END IF;
         RETURN NULL;
       END IF;
       ${skipOperatorChange("NULL")}
       INSERT INTO ${queue} (op, old_row, new_row)
       VALUES (TG_OP, CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
                      CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END);
       RETURN NULL;
     END
     $capture$`,
    `REVOKE ALL ON FUNCTION ${changeFn}() FROM PUBLIC`,
    `CREATE TRIGGER ${CAPTURE_TRIGGER} AFTER INSERT OR DELETE ON ${base}
       FOR EACH ROW EXECUTE FUNCTION ${changeFn}()`,
    // most UPDATEs of a library's row change nothing an event depends on (a heartbeat): the WHEN
    // clause, over raw columns, skips them without calling the function
    `CREATE TRIGGER ${CAPTURE_UPDATE_TRIGGER} AFTER UPDATE ON ${base}
       FOR EACH ROW WHEN (${changed}) EXECUTE FUNCTION ${changeFn}()`,
  ];
  if (preset.proposals) {
    const match = preset.proposals.conflictColumns
      .map((c) => `r.${escapeIdentifier(c)} = NEW.${escapeIdentifier(c)}`)
      .join(" AND ");
    statements.push(
      // A claim the existing row wins writes nothing: this sees it before the INSERT conflicts and
      // queues the existing row with the proposal; the collector decides (the preset's status and
      // refusedWhen) whether it was refused, and how. An equality lookup on the unique key and an
      // INSERT of two images cannot fail on any row, and a missing queue is checked first.
      `CREATE FUNCTION ${proposalFn}() RETURNS trigger
       LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $capture$
       DECLARE
         existing jsonb;
       BEGIN
         IF NOT (${connectedOnly}) OR NOT (${present(queue)}) THEN RETURN NEW; END IF;
         ${skipOperatorChange("NEW")}
         SELECT to_jsonb(r) INTO existing FROM ${base} AS r WHERE ${match} LIMIT 1;
         IF existing IS NOT NULL THEN
           INSERT INTO ${queue} (op, old_row, new_row) VALUES ('REFUSED', existing, to_jsonb(NEW));
         END IF;
         RETURN NEW;
       END
       $capture$`,
      `REVOKE ALL ON FUNCTION ${proposalFn}() FROM PUBLIC`,
      `CREATE TRIGGER ${PROPOSAL_TRIGGER} BEFORE INSERT ON ${base}
         FOR EACH ROW EXECUTE FUNCTION ${proposalFn}()`,
    );
  }
  return statements;
}

/**
 * Everything installStatements created, removed (IF EXISTS: a partial install is cleaned too).
 * The slot of logical capture is dropped after this transaction (lib/ingest/sources/logical-setup.ts).
 */
export function uninstallStatements(binding: SourceBinding, t: OwnNames): string[] {
  const publication = binding.logical?.publicationOwned
    ? [`DROP PUBLICATION IF EXISTS ${escapeIdentifier(binding.logical.publication)}`]
    : [];
  // (even DROP TRIGGER IF EXISTS locks the table: logical capture installed none)
  const triggers = binding.capture.rowTriggers
    ? [PROPOSAL_TRIGGER, CAPTURE_UPDATE_TRIGGER, CAPTURE_TRIGGER].map(
        (name) => `DROP TRIGGER IF EXISTS ${name} ON ${binding.base}`,
      )
    : [];
  return [
    ...triggers,
    `DROP FUNCTION IF EXISTS ${t.ownTable("capture_proposal")}()`,
    `DROP FUNCTION IF EXISTS ${t.ownTable("capture_change")}()`,
    ...publication,
    ...keptStateDropStatements(t),
    ...historyImportDropStatements(t),
    `DROP VIEW IF EXISTS ${t.ownTable(SOURCE_KEYS_VIEW)}`,
    ...(binding.capture.readsStore ? [] : [`DROP TABLE IF EXISTS ${binding.base}`]),
    `DROP TABLE IF EXISTS ${t.ownTable(SOURCE_EVENTS_TABLE)}`,
    `DROP TABLE IF EXISTS ${t.ownTable(CAPTURE_QUEUE_TABLE)}`,
    `DROP SEQUENCE IF EXISTS ${t.ownTable("capture_errors")}`,
    `DELETE FROM ${t.ownTable("logical_state")}`,
    `DELETE FROM ${t.ownTable("source")}`,
  ];
}

/** The quoted name of a table from `schema.name` parts. */
export function quotedTable(table: { schema: string; name: string }): string {
  return `${escapeIdentifier(table.schema)}.${escapeIdentifier(table.name)}`;
}
