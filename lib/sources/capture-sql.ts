// The SQL that connects a preset's table (docs/presets.md): a mapping view that derives the
// contract's keys, an events table in idemscope's schema, and triggers that turn each row change
// into contract events with the same derivation. Capture never fails the service's write: an
// error inside a trigger is caught, counted and reported as a WARNING, and the write goes on.
import { escapeIdentifier, escapeLiteral } from "pg";
import { FAILED_RESPONSE } from "../actions/failed-response";
import { eventsTableStatements } from "../schema/contract";
import { SOURCE_EVENTS_TABLE, SOURCE_KEYS_VIEW } from "../tables";
import type { SourceBinding } from "./active";
import { DERIVED_COLUMNS, DERIVED_TYPES, derivation, type Preset } from "./preset";

export const CAPTURE_TRIGGER = "idemscope_capture";
export const PROPOSAL_TRIGGER = "idemscope_capture_proposal";
/** Set (transaction-local) by idemscope's release and fail, which write their own events. */
export const OPERATOR_ACTION_SETTING = "idemscope.operator_action";

export type OwnNames = { own: string; ownTable: (name: string) => string };

/** `(expr)::type AS column, …` for every derived column, over the row alias r. */
export function derivedSelectList(preset: Preset, withMarker = false): string {
  const cols = withMarker ? [...DERIVED_COLUMNS, "attempt_marker" as const] : DERIVED_COLUMNS;
  return cols
    .map((c) => `(${derivation(preset, c)})::${DERIVED_TYPES[c]} AS ${c}`)
    .join(",\n       ");
}

/** An action's SET list with the stored failure's JSON in place of {failed_response}. */
export function actionSetList(preset: Preset, set: string): string {
  const failed = `${escapeLiteral(JSON.stringify(FAILED_RESPONSE))}::jsonb`;
  return derivationText(preset, set).replaceAll("{failed_response}", failed);
}

function derivationText(preset: Preset, text: string): string {
  return text.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) =>
    name in preset.lets ? `(${preset.lets[name]})` : whole,
  );
}

const EVENT_COLUMNS =
  "at, key_id, scope, endpoint, key, kind, request_hash, response_code, latency_ms, instance";

/** The statements that install the source, in order; run in one transaction. */
export function installStatements(binding: SourceBinding, t: OwnNames): string[] {
  const { preset, base } = binding;
  const events = t.ownTable(SOURCE_EVENTS_TABLE);
  const view = t.ownTable(SOURCE_KEYS_VIEW);
  const errors = t.ownTable("capture_errors");
  const changeFn = t.ownTable("capture_change");
  const proposalFn = t.ownTable("capture_proposal");
  const outcome = `CASE n.status WHEN 'completed' THEN 'completed' ELSE 'failed' END`;
  const onError = `EXCEPTION WHEN OTHERS THEN
      -- never fail the service's write: count it, warn, carry on
      BEGIN PERFORM nextval(${escapeLiteral(errors)}); EXCEPTION WHEN OTHERS THEN NULL; END;
      RAISE WARNING 'idemscope capture skipped an event: %', SQLERRM;`;
  const statements = [
    `CREATE SCHEMA IF NOT EXISTS ${t.own}`,
    ...eventsTableStatements(events, SOURCE_EVENTS_TABLE),
    `CREATE INDEX ${escapeIdentifier(`${SOURCE_EVENTS_TABLE}_key_search_idx`)} ON ${events}
       (key COLLATE "C", scope COLLATE "C", endpoint COLLATE "C")`,
    `CREATE SEQUENCE ${errors}`,
    `CREATE VIEW ${view} AS
     SELECT ${derivedSelectList(preset)}
       FROM ${base} AS r`,
    `CREATE FUNCTION ${changeFn}() RETURNS trigger
     LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $capture$
     DECLARE
       o record;
       n record;
       kinds text[] := '{}';
       k text;
       lat double precision;
     BEGIN
       IF current_setting('${OPERATOR_ACTION_SETTING}', true) = 'on' THEN RETURN NULL; END IF;
       BEGIN
         IF TG_OP <> 'INSERT' THEN
           SELECT ${derivedSelectList(preset, true)} INTO o FROM (SELECT OLD.*) AS r;
         END IF;
         IF TG_OP <> 'DELETE' THEN
           SELECT ${derivedSelectList(preset, true)} INTO n FROM (SELECT NEW.*) AS r;
         END IF;
         IF TG_OP = 'INSERT' THEN
           kinds := ARRAY['claimed'];
           IF n.status <> 'in_progress' THEN kinds := kinds || ${outcome}; END IF;
         ELSIF TG_OP = 'DELETE' THEN
           n := o;
           kinds := ARRAY['expired'];
         ELSIF o.status <> 'in_progress' AND n.status = 'in_progress' THEN
           -- the stored result was overwritten by a new execution: it had expired
           kinds := ARRAY['expired', 'claimed'];
         ELSIF o.status = 'in_progress' AND n.status <> 'in_progress' THEN
           kinds := ARRAY[${outcome}];
           lat := extract(epoch FROM clock_timestamp() - coalesce(o.locked_at, o.updated_at)) * 1000;
         ELSIF o.status = 'in_progress' THEN
           -- a new attempt stamped on an unfinished key (its first stamp is part of the claim)
           IF o.attempt_marker IS NOT NULL AND n.attempt_marker IS DISTINCT FROM o.attempt_marker THEN
             kinds := ARRAY['reclaimed'];
           END IF;
         ELSIF n.response_code IS DISTINCT FROM o.response_code
            OR n.response_body IS DISTINCT FROM o.response_body THEN
           -- a finished key finished again: a second execution completed
           kinds := ARRAY[${outcome}];
         ELSIF o.attempt_marker IS NOT NULL AND n.attempt_marker IS DISTINCT FROM o.attempt_marker THEN
           kinds := ARRAY['replayed'];
         END IF;
         FOREACH k IN ARRAY kinds LOOP
           INSERT INTO ${events} (${EVENT_COLUMNS})
           VALUES (clock_timestamp(), n.id, n.scope, n.endpoint, n.key, k, n.request_hash,
                   CASE WHEN k IN ('completed', 'failed') THEN n.response_code END,
                   CASE WHEN k IN ('completed', 'failed') THEN lat END, n.lock_owner);
         END LOOP;
       ${onError}
       END;
       RETURN NULL;
     END
     $capture$`,
    `CREATE TRIGGER ${CAPTURE_TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON ${base}
       FOR EACH ROW EXECUTE FUNCTION ${changeFn}()`,
  ];
  if (preset.proposals) {
    const match = preset.proposals.conflictColumns
      .map((c) => `r.${escapeIdentifier(c)} = NEW.${escapeIdentifier(c)}`)
      .join(" AND ");
    statements.push(
      `CREATE FUNCTION ${proposalFn}() RETURNS trigger
       LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $capture$
       DECLARE
         n record;
         x record;
         k text;
       BEGIN
         IF current_setting('${OPERATOR_ACTION_SETTING}', true) = 'on' THEN RETURN NEW; END IF;
         BEGIN
           SELECT ${derivedSelectList(preset)} INTO n FROM (SELECT NEW.*) AS r;
           IF n.status = 'in_progress' THEN
             SELECT ${derivedSelectList(preset)} INTO x FROM ${base} AS r WHERE ${match};
             IF FOUND AND (${derivationText(preset, preset.proposals.refusedWhen)}) THEN
               -- the claim will be refused: the existing row answers this request
               k := CASE WHEN x.status = 'in_progress' THEN 'conflict'
                         WHEN x.request_hash IS DISTINCT FROM n.request_hash THEN 'mismatch'
                         ELSE 'replayed' END;
               INSERT INTO ${events} (${EVENT_COLUMNS})
               VALUES (clock_timestamp(), x.id, x.scope, x.endpoint, x.key, k, n.request_hash,
                       CASE k WHEN 'replayed' THEN x.response_code WHEN 'conflict' THEN 409 ELSE 422 END,
                       NULL, NULL);
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
  statements.push(
    `INSERT INTO ${t.ownTable("source")} (preset, definition, table_schema, table_name, capture)
     VALUES (${escapeLiteral(preset.name)}, ${escapeLiteral(JSON.stringify(preset))}::jsonb,
             ${escapeLiteral(binding.table.schema)}, ${escapeLiteral(binding.table.name)}, 'triggers')`,
  );
  return statements;
}

/** Everything installStatements created, removed (IF EXISTS: a partial install is cleaned too). */
export function uninstallStatements(binding: SourceBinding, t: OwnNames): string[] {
  return [
    `DROP TRIGGER IF EXISTS ${PROPOSAL_TRIGGER} ON ${binding.base}`,
    `DROP TRIGGER IF EXISTS ${CAPTURE_TRIGGER} ON ${binding.base}`,
    `DROP FUNCTION IF EXISTS ${t.ownTable("capture_proposal")}()`,
    `DROP FUNCTION IF EXISTS ${t.ownTable("capture_change")}()`,
    `DROP VIEW IF EXISTS ${t.ownTable(SOURCE_KEYS_VIEW)}`,
    `DROP TABLE IF EXISTS ${t.ownTable(SOURCE_EVENTS_TABLE)}`,
    `DROP SEQUENCE IF EXISTS ${t.ownTable("capture_errors")}`,
    `DELETE FROM ${t.ownTable("source")}`,
  ];
}

/** The quoted name of a table from `schema.name` parts. */
export function quotedTable(table: { schema: string; name: string }): string {
  return `${escapeIdentifier(table.schema)}.${escapeIdentifier(table.name)}`;
}
