// `npm run connect` (docs/presets.md): checks a store's table against a preset, says what each
// panel will show, and installs (or removes) the mapping view and the trigger capture in one
// transaction, recording the source for every idemscope process on that database.
import { escapeIdentifier, type Pool, type PoolClient } from "pg";
import { config } from "../../core/config";
import { bindingOf, readConnectedSource, type SourceBinding } from "../../contract/source-binding";
import { TRIGGERS, type CaptureMode } from "../../contract/capture-modes";
import { coverageOf, type CoverageRow } from "../../contract/coverage";
import { locksServiceTable, withLockRetries, type LockOptions } from "./connect-locks";
import { installStatements, uninstallStatements } from "./capture-sql";
import { derivedSelectList, type OwnNames } from "./derived-sql";
import { fillKeptState } from "./kept-state";
import { FOLDED_TABLES } from "../../contract/schema/rollups";
import { checkLogical, createSlot, dropSlot, logicalNames } from "./logical-setup";
import type { Preset } from "../../contract/preset";

/** A problem the user fixes (bad preset, table mismatch, missing privilege): one line each. */
export class ConnectError extends Error {}

export type ConnectPlan = {
  binding: SourceBinding;
  /** each blocks the install: the table does not match, a privilege is missing */
  problems: string[];
  /** facts the user should know; nothing blocks */
  warnings: string[];
  coverage: CoverageRow[];
  statements: string[];
  /** the source already recorded on this database, if any */
  connected: SourceBinding | null;
};

type ColumnRow = { name: string; type: string };

/** How the row changes are captured, and whether spans add the requests that write nothing. */
export type CaptureChoice = {
  capture: CaptureMode;
  spans: boolean;
  /** false: the rows the table holds are not imported (docs/capture.md); the default imports them */
  importsHistory?: boolean;
};

/** Inspects the database for this preset and table; never changes anything. */
export async function planConnect(
  db: Pool | PoolClient,
  preset: Preset,
  table: { schema: string; name: string },
  own: OwnNames & { schema: string },
  choice: CaptureChoice = { capture: TRIGGERS, spans: false },
): Promise<ConnectPlan> {
  const names = logicalNames(own.schema);
  let binding = bindingOf(preset, table, {
    ...choice,
    logical: choice.capture.streamsWal ? { ...names, publicationOwned: true } : null,
  });
  const problems: string[] = [];
  const warnings: string[] = [...preset.notes];
  const rel = await db.query<{ kind: string; persistence: string }>(
    `SELECT c.relkind AS kind, c.relpersistence AS persistence
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2`,
    [table.schema, table.name],
  );
  const found = rel.rows[0];
  const plan = (): ConnectPlan => ({
    binding,
    problems,
    warnings,
    coverage: coverageOf(binding),
    statements: installStatements(binding, own, config().captureQueueLimitBytes),
    connected,
  });
  const connected = await readConnectedSource(db, own.schema);
  // spans alone: no table of the service's to check; the stand-in is idemscope's own
  if (!choice.capture.readsStore) {
    const r = await db.query<{ own: boolean }>(
      `SELECT coalesce(has_schema_privilege(to_regnamespace($1)::oid, 'CREATE'),
                       has_database_privilege(current_database(), 'CREATE')) AS own`,
      [own.schema],
    );
    if (!r.rows[0]!.own)
      problems.push(
        `missing privilege: CREATE on schema ${escapeIdentifier(own.schema)} (or on the database)`,
      );
    if (found && connected?.base !== binding.base)
      problems.push(`${binding.base} exists already: idemscope's stand-in table cannot be created`);
    return plan();
  }
  if (!found) {
    problems.push(
      `table ${binding.base} does not exist (the ${preset.name} preset expects ${preset.table.schema}.${preset.table.name}; name yours with --table SCHEMA.TABLE)`,
    );
    return plan();
  }
  if (found.kind !== "r" && found.kind !== "p")
    problems.push(`${binding.base} is not a table (triggers need the table itself, not a view)`);
  if (found.persistence === "u" && choice.capture.rowTriggers)
    warnings.push(
      `${binding.base} is UNLOGGED: a crash empties it without firing DELETE triggers, so those keys' expiry is never captured`,
    );

  const cols = await db.query<ColumnRow>(
    `SELECT a.attname AS name, format_type(a.atttypid, NULL) AS type
       FROM pg_attribute a
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
    [binding.base],
  );
  const actual = new Map(cols.rows.map((c) => [c.name, c.type]));
  for (const [name, type] of Object.entries(preset.columns)) {
    const has = actual.get(name);
    if (has === undefined)
      problems.push(`column ${name} (${type}) is missing from ${binding.base}`);
    else if (has !== type)
      problems.push(
        `column ${name} of ${binding.base} is ${has}; the ${preset.name} preset expects ${type}`,
      );
  }

  const priv = await db.query<Record<string, boolean>>(
    `SELECT has_table_privilege($1, 'SELECT') AS select,
            has_table_privilege($1, 'TRIGGER') AS trigger,
            has_table_privilege($1, 'UPDATE') AS update,
            has_table_privilege($1, 'DELETE') AS delete,
            coalesce(has_schema_privilege(to_regnamespace($2)::oid, 'CREATE'),
                     has_database_privilege(current_database(), 'CREATE')) AS own`,
    [binding.base, own.schema],
  );
  const p = priv.rows[0]!;
  if (!p.select) problems.push(`missing privilege: SELECT on ${binding.base}`);
  if (!p.trigger && choice.capture.rowTriggers)
    problems.push(
      `missing privilege: TRIGGER on ${binding.base} (needed to install the capture; --capture logical needs none)`,
    );
  if (choice.capture.streamsWal && (found.kind === "r" || found.kind === "p")) {
    const logical = await checkLogical(
      db,
      binding.base,
      names,
      connected?.logical?.slot === names.slot,
    );
    problems.push(...logical.problems);
    warnings.push(...logical.warnings);
    // a publication the DBA created is used as it is, and left in place on --uninstall
    const owned = connected?.logical?.publicationOwned ?? !logical.publicationExists;
    binding = { ...binding, logical: { ...names, publicationOwned: owned } };
  }
  if (!p.own)
    problems.push(
      `missing privilege: CREATE on schema ${escapeIdentifier(own.schema)} (or on the database)`,
    );
  for (const [name, a] of Object.entries(preset.actions)) {
    const needs = a.kind === "update" ? "update" : a.kind === "delete" ? "delete" : null;
    if (needs && !p[needs])
      warnings.push(`${name} will fail: missing ${needs.toUpperCase()} on ${binding.base}`);
  }

  // The derivation must run on this table (a preset file's expression, a type it did not expect).
  if (problems.length === 0) {
    try {
      await db.query(`SELECT ${derivedSelectList(preset, true)} FROM ${binding.base} AS r LIMIT 1`);
    } catch (err) {
      problems.push(
        `the ${preset.name} derivation fails on ${binding.base}: ${(err as Error).message}`,
      );
    }
  }
  return plan();
}

/** Tables derived from the source (its events, its stuck keys): rebuilt when it changes. */
const DERIVED_FROM_SOURCE = ["stuck_samples", ...FOLDED_TABLES];

async function resetRollups(c: PoolClient, own: OwnNames): Promise<void> {
  await c.query(`TRUNCATE ${DERIVED_FROM_SOURCE.map((t) => own.ownTable(t)).join(", ")}`);
  await c.query(
    `UPDATE ${own.ownTable("collector_state")}
        SET watermark = 0, last_error = NULL, history_hi = NULL, history_lo = NULL,
            history_total = NULL, history_done = 0, history_started_at = NULL,
            history_finished_at = NULL, history_complete_from = NULL
      WHERE id = 1`,
  );
}

/** The result of --apply: what was done, in one line. */
export type ApplyOutcome = { applied: boolean; message: string };

/**
 * Installs the plan in one transaction. A second --apply of the same preset and table changes
 * nothing; a different one is refused until --uninstall. Either way nothing is half-applied. The
 * service's table is locked last and briefly (./connect-locks.ts).
 */
export async function applyConnect(
  pool: Pool,
  plan: ConnectPlan,
  own: OwnNames & { schema: string },
  locks: LockOptions = {},
): Promise<ApplyOutcome> {
  if (plan.problems.length > 0) throw new ConnectError(plan.problems[0]!);
  const existing = await readConnectedSource(pool, own.schema);
  if (existing) return unchangedOutcome(existing, plan.binding);
  // the slot exists before the install commits, so no change after the install is missed; a
  // failed install removes it again (nothing half-applied)
  const slot = plan.binding.logical?.slot;
  if (slot) await createSlot(pool, slot);
  let outcome: ApplyOutcome;
  try {
    outcome = await installInTransaction(pool, plan, own, locks);
  } catch (err) {
    if (slot) await dropSlot(pool, slot).catch(() => undefined);
    throw err;
  }
  if (!outcome.applied || !plan.binding.capture.readsStore) return outcome;
  // capture runs from here on; the rows already there are read once, for what polls
  // (kept-state.ts). Should this fail, the collector fills it later: connect is done.
  try {
    const fill = await fillKeptState(pool, own);
    return {
      ...outcome,
      message: `${outcome.message}; ${fill.open} keys in progress of ${fill.keys}`,
    };
  } catch (err) {
    return {
      ...outcome,
      message: `${outcome.message}; the keys in progress are read later by the collector (${(err as Error).message})`,
    };
  }
}

async function installInTransaction(
  pool: Pool,
  plan: ConnectPlan,
  own: OwnNames & { schema: string },
  locks: LockOptions,
): Promise<ApplyOutcome> {
  const b = plan.binding;
  return withLockRetries(pool, b.base, own.schema, locks, async (c, enterServicePhase) => {
    // one connect at a time on this database
    await c.query(`SELECT pg_advisory_xact_lock(hashtext('idemscope.connect'))`);
    const existing = await readConnectedSource(c, own.schema);
    if (existing) return unchangedOutcome(existing, b);
    // idemscope's own schema first: these may wait for a dashboard's read
    await resetRollups(c, own);
    for (const s of plan.statements.filter((x) => !locksServiceTable(x))) await c.query(s);
    // then the service's table, briefly, with nothing left to wait for before COMMIT
    await enterServicePhase();
    for (const s of plan.statements.filter(locksServiceTable)) await c.query(s);
    return {
      applied: true,
      message: b.capture.readsStore
        ? `connected: ${b.preset.name} on ${b.base} (${captureLabel(b)} installed)`
        : `connected: ${b.preset.name}, no table read; point the services' OTLP trace exporters at idemscope's POST /v1/traces`,
    };
  });
}

export function captureLabel(b: Pick<SourceBinding, "capture" | "spans" | "logical">): string {
  const rows = b.logical ? `${b.capture.label} through slot ${b.logical.slot}` : b.capture.label;
  return b.spans && b.capture.readsStore ? `${rows}, with OpenTelemetry spans` : rows;
}

/** A second --apply: the same source changes nothing; anything else is refused with the way out. */
function unchangedOutcome(existing: SourceBinding, wanted: SourceBinding): ApplyOutcome {
  const same = existing.preset.name === wanted.preset.name && existing.base === wanted.base;
  if (same && !sameDefinition(existing.preset, wanted.preset))
    throw new ConnectError(
      `${existing.base} is connected with another definition of ${existing.preset.name} (the preset changed since --apply); run npm run connect -- --uninstall, then --apply`,
    );
  if (same && (existing.capture !== wanted.capture || existing.spans !== wanted.spans))
    throw new ConnectError(
      `${existing.base} is connected with ${captureLabel(existing)}; to switch to ${captureLabel(wanted)} run npm run connect -- --uninstall (the captured history goes with it), then --apply`,
    );
  if (same)
    return {
      applied: false,
      message: `already connected: ${existing.preset.name} on ${existing.base} since ${existing.installedAt}; nothing changed`,
    };
  throw new ConnectError(
    `this database is connected to ${existing.preset.name} on ${existing.base}; run npm run connect -- --uninstall first`,
  );
}

/** Whether two presets derive the same (key order aside: the recorded one went through jsonb). */
export function sameDefinition(a: Preset, b: Preset): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v as Record<string, unknown>)
              .sort(([x], [y]) => x.localeCompare(y))
              .map(([k, x]) => [k, canonical(x)]),
          )
        : v;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/**
 * Removes the recorded source and everything its install created. First the triggers (and the
 * publication), alone and briefly under lock_timeout: the service's table is then never locked
 * while idemscope waits for its own tables. Then, in a second transaction, idemscope's side; the
 * source stays recorded until that commits, so an interrupted uninstall is finished by running it
 * again.
 */
export async function uninstallSource(
  pool: Pool,
  own: OwnNames & { schema: string },
  locks: LockOptions = {},
): Promise<ApplyOutcome> {
  const existing = await readConnectedSource(pool, own.schema);
  if (!existing) return { applied: false, message: "no source is connected; nothing to remove" };
  const statements = uninstallStatements(existing, own);
  await withLockRetries(pool, existing.base, own.schema, locks, async (c, enterServicePhase) => {
    await c.query(`SELECT pg_advisory_xact_lock(hashtext('idemscope.connect'))`);
    await enterServicePhase();
    for (const s of statements.filter(locksServiceTable)) await c.query(s);
  });
  const removed = await withLockRetries(pool, existing.base, own.schema, locks, async (c) => {
    await c.query(`SELECT pg_advisory_xact_lock(hashtext('idemscope.connect'))`);
    const still = await readConnectedSource(c, own.schema);
    if (!still) return null;
    for (const s of statements.filter((x) => !locksServiceTable(x))) await c.query(s);
    await resetRollups(c, own);
    return still;
  });
  if (!removed) return { applied: false, message: "no source is connected; nothing to remove" };
  // after the commit: the consumer sees the source gone, and its walsender is ended if it lingers
  const slot = removed.logical ? await dropSlot(pool, removed.logical.slot) : false;
  return {
    applied: true,
    message: `removed: ${removed.preset.name} capture, mapping view and captured events on ${removed.base}${slot ? `; replication slot ${removed.logical!.slot} dropped` : ""}`,
  };
}
