// The SQL that connects a preset's table (docs/presets.md): a mapping view that derives the
// contract's keys, and a capture that queues each relevant row change (its before and after
// images) for the collector, which turns them into contract events with the same derivation
// (./capture-drain.ts). The capture is either row triggers or logical decoding (a publication
// here, the slot and its consumer in ./logical-setup.ts and ./logical-consumer.ts). Trigger
// capture never fails the service's write: an error inside a trigger is caught, counted and
// reported as a WARNING, and the write goes on.
import { escapeIdentifier, escapeLiteral } from "pg";
import { FAILED_RESPONSE } from "../actions/failed-response";
import { eventsTableStatements } from "../schema/contract";
import { SOURCE_EVENTS_TABLE, SOURCE_KEYS_VIEW } from "../tables";
import type { SourceBinding } from "./active";
import { createPublicationStatement } from "./logical-setup";
import {
  DERIVED_COLUMNS,
  DERIVED_TYPES,
  derivation,
  expandLets,
  type DerivedColumn,
  type Preset,
} from "./preset";

export const CAPTURE_TRIGGER = "idemscope_capture";
export const CAPTURE_QUEUE_TABLE = "capture_queue";
export const CAPTURE_UPDATE_TRIGGER = "idemscope_capture_update";
export const PROPOSAL_TRIGGER = "idemscope_capture_proposal";
/** Set (transaction-local) by idemscope's release and fail, which write their own events. */
export const OPERATOR_ACTION_SETTING = "idemscope.operator_action";

/**
 * Marks the current transaction's changes of the store's table as idemscope's own (an operator's
 * release or fail writes its event itself): the triggers see the setting, logical decoding a
 * transactional WAL message with the same name (lib/sources/logical-consumer.ts).
 */
export async function markOperatorChange(
  db: { query: (text: string) => Promise<unknown> },
  capture: "triggers" | "logical",
): Promise<void> {
  await db.query(`SELECT set_config('${OPERATOR_ACTION_SETTING}', 'on', true)`);
  if (capture === "logical")
    await db.query(`SELECT pg_logical_emit_message(true, '${OPERATOR_ACTION_SETTING}', '')`);
}

export type OwnNames = { own: string; ownTable: (name: string) => string };

/** `(expr)::type AS column, …` for every derived column, over the row alias r. */
export function derivedSelectList(
  preset: Preset,
  withMarker = false,
  only?: readonly (DerivedColumn | "attempt_marker")[],
): string {
  const all = withMarker ? [...DERIVED_COLUMNS, "attempt_marker" as const] : DERIVED_COLUMNS;
  const cols = only ? all.filter((c) => only.includes(c)) : all;
  return cols
    .map((c) => `(${derivation(preset, c)})::${DERIVED_TYPES[c]} AS ${c}`)
    .join(",\n       ");
}

/** An action's SET list with the stored failure's JSON in place of {failed_response}. */
export function actionSetList(preset: Preset, set: string): string {
  const failed = `${escapeLiteral(JSON.stringify(FAILED_RESPONSE))}::jsonb`;
  return expandLets(preset, set).replaceAll("{failed_response}", failed);
}

/** The derivation of `column` over the trigger's OLD or NEW row instead of r. */
export function overRow(
  preset: Preset,
  column: Parameters<typeof derivation>[1],
  row: "OLD" | "NEW",
) {
  return derivation(preset, column).replace(/\br\./g, `${row}.`);
}

/** Whether an UPDATE can produce an event: what the event rules of capture_change() compare. */
function updateMatters(preset: Preset): string {
  return (["status", "attempt_marker", "response_code", "response_body"] as const)
    .map((c) => `(${overRow(preset, c, "OLD")}) IS DISTINCT FROM (${overRow(preset, c, "NEW")})`)
    .join("\n          OR ");
}

/** The statements that install the source, in order; run in one transaction. */
export function installStatements(binding: SourceBinding, t: OwnNames): string[] {
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
      new_row jsonb
    )`,
    `CREATE SEQUENCE ${errors}`,
    `CREATE VIEW ${view} AS
     SELECT ${derivedSelectList(preset)}
       FROM ${base} AS r`,
    ...(binding.capture === "logical"
      ? logicalStatements(binding, t)
      : triggerStatements(binding, t)),
  ];
  statements.push(
    `INSERT INTO ${t.ownTable("source")}
       (preset, definition, table_schema, table_name, capture, spans, slot_name, publication_name, publication_owned)
     VALUES (${escapeLiteral(preset.name)}, ${escapeLiteral(JSON.stringify(preset))}::jsonb,
             ${escapeLiteral(binding.table.schema)}, ${escapeLiteral(binding.table.name)},
             ${escapeLiteral(binding.capture)}, ${binding.spans},
             ${binding.logical ? escapeLiteral(binding.logical.slot) : "NULL"},
             ${binding.logical ? escapeLiteral(binding.logical.publication) : "NULL"},
             ${binding.logical?.publicationOwned ?? false})`,
  );
  return statements;
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

/** Trigger capture: row triggers that queue each relevant change's before and after images. */
function triggerStatements(binding: SourceBinding, t: OwnNames): string[] {
  const { preset, base } = binding;
  const queue = t.ownTable(CAPTURE_QUEUE_TABLE);
  const errors = t.ownTable("capture_errors");
  const changeFn = t.ownTable("capture_change");
  const proposalFn = t.ownTable("capture_proposal");
  const onError = `EXCEPTION WHEN OTHERS THEN
      -- never fail the service's write: count it, warn, carry on
      BEGIN PERFORM nextval(${escapeLiteral(errors)}); EXCEPTION WHEN OTHERS THEN NULL; END;
      RAISE WARNING 'idemscope capture skipped an event: %', SQLERRM;`;
  const statements = [
    `CREATE FUNCTION ${changeFn}() RETURNS trigger
     LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $capture$
     BEGIN
       IF current_setting('${OPERATOR_ACTION_SETTING}', true) = 'on' THEN RETURN NULL; END IF;
       BEGIN
         INSERT INTO ${queue} (op, old_row, new_row)
         VALUES (TG_OP, CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
                        CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END);
       ${onError}
       END;
       RETURN NULL;
     END
     $capture$`,
    `CREATE TRIGGER ${CAPTURE_TRIGGER} AFTER INSERT OR DELETE ON ${base}
       FOR EACH ROW EXECUTE FUNCTION ${changeFn}()`,
    // Most UPDATEs of a library's row change nothing an event depends on (a recovery point, a
    // heartbeat): the WHEN clause, evaluated without calling the function, skips them.
    `CREATE TRIGGER ${CAPTURE_UPDATE_TRIGGER} AFTER UPDATE ON ${base}
       FOR EACH ROW WHEN (${updateMatters(preset)}) EXECUTE FUNCTION ${changeFn}()`,
  ];
  if (preset.proposals) {
    const match = preset.proposals.conflictColumns
      .map((c) => `r.${escapeIdentifier(c)} = NEW.${escapeIdentifier(c)}`)
      .join(" AND ");
    statements.push(
      // A claim the existing row wins writes nothing: this sees it before the INSERT conflicts,
      // and queues the existing row with the proposal (the collector classifies the pair).
      `CREATE FUNCTION ${proposalFn}() RETURNS trigger
       LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $capture$
       DECLARE
         existing jsonb;
       BEGIN
         IF current_setting('${OPERATOR_ACTION_SETTING}', true) = 'on' THEN RETURN NEW; END IF;
         BEGIN
           IF (${overRow(preset, "status", "NEW")}) = 'in_progress' THEN
             SELECT to_jsonb(r) INTO existing
               FROM ${base} AS r CROSS JOIN LATERAL (SELECT ${derivedSelectList(preset)}) AS x
              WHERE ${match} AND (${expandLets(preset, preset.proposals.refusedWhen)});
             IF existing IS NOT NULL THEN
               INSERT INTO ${queue} (op, old_row, new_row) VALUES ('REFUSED', existing, to_jsonb(NEW));
             END IF;
           END IF;
         ${onError}
         END;
         RETURN NEW;
       END
       $capture$`,
      `CREATE TRIGGER ${PROPOSAL_TRIGGER} BEFORE INSERT ON ${base}
         FOR EACH ROW EXECUTE FUNCTION ${proposalFn}()`,
    );
  }
  return statements;
}

/**
 * Everything installStatements created, removed (IF EXISTS: a partial install is cleaned too).
 * The slot of logical capture is dropped after this transaction (lib/sources/logical-setup.ts).
 */
export function uninstallStatements(binding: SourceBinding, t: OwnNames): string[] {
  const publication = binding.logical?.publicationOwned
    ? [`DROP PUBLICATION IF EXISTS ${escapeIdentifier(binding.logical.publication)}`]
    : [];
  return [
    `DROP TRIGGER IF EXISTS ${PROPOSAL_TRIGGER} ON ${binding.base}`,
    `DROP TRIGGER IF EXISTS ${CAPTURE_UPDATE_TRIGGER} ON ${binding.base}`,
    `DROP TRIGGER IF EXISTS ${CAPTURE_TRIGGER} ON ${binding.base}`,
    `DROP FUNCTION IF EXISTS ${t.ownTable("capture_proposal")}()`,
    `DROP FUNCTION IF EXISTS ${t.ownTable("capture_change")}()`,
    ...publication,
    `DROP VIEW IF EXISTS ${t.ownTable(SOURCE_KEYS_VIEW)}`,
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
