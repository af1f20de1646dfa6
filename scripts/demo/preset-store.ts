// The demo's store for `--preset NAME`: the library's own table (its DDL from the library's
// source, kept in tests/fixtures/stores) in a schema of its own, connected with trigger capture
// exactly as `npm run connect -- --apply` does. Without --preset the demo returns to the contract.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { escapeIdentifier, type Pool } from "pg";
import type { Config } from "../../lib/core/config";
import { readConnectedSource } from "../../lib/contract/source-binding";
import {
  applyConnect,
  planConnect,
  sameDefinition,
  uninstallSource,
  type CaptureChoice,
} from "../../lib/ingest/sources/connect";
import type { Preset } from "../../lib/contract/preset";
import { contractTableNames } from "../../lib/contract/tables";
import { ROW_SHAPES } from "../support/preset-rows";

const fixtures = path.resolve(import.meta.dirname, "../../tests/fixtures/stores");

export type PresetStore = {
  preset: Preset;
  schema: string;
  table: string;
  /** rows written before connect (a new table with a history to import), 0 otherwise */
  historyRows: number;
};

/** What a new table holds before it is connected: `rows` keys over the last `days`. */
export type PresetHistory = { rows: number; days: number };

function ownOf(cfg: Config) {
  const t = contractTableNames(cfg);
  return { own: t.own, ownTable: t.ownTable, schema: cfg.idemscopeSchema };
}

/** Creates (once) and connects the library's table; returns where it is. */
export async function connectPresetStore(
  pool: Pool,
  preset: Preset,
  cfg: Config,
  choice: CaptureChoice,
  history: PresetHistory = { rows: 0, days: 0 },
): Promise<PresetStore> {
  const schema =
    preset.name === "node-idempotency"
      ? preset.table.schema
      : `demo_${preset.name.replaceAll("-", "_")}`;
  const table = `${escapeIdentifier(schema)}.${escapeIdentifier(preset.table.name)}`;
  const exists = await pool.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [
    table,
  ]);
  let historyRows = 0;
  if (!exists.rows[0]?.ok) {
    const ddl = await readFile(path.join(fixtures, `${preset.name}.sql`), "utf8");
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${escapeIdentifier(schema)}`);
    await pool.query(ddl.replaceAll("{{schema}}", escapeIdentifier(schema)));
    historyRows = await writeHistory(pool, preset, table, history);
  }
  // the demo owns its table: it does what connect asks a DBA to do for logical decoding
  if (choice.capture.streamsWal) await pool.query(`ALTER TABLE ${table} REPLICA IDENTITY FULL`);
  const own = ownOf(cfg);
  const connected = await readConnectedSource(pool, cfg.idemscopeSchema);
  if (
    connected &&
    (connected.base !== table ||
      !sameDefinition(connected.preset, preset) ||
      connected.capture !== choice.capture ||
      connected.spans !== choice.spans)
  )
    await uninstallSource(pool, own);
  const plan = await planConnect(pool, preset, { schema, name: preset.table.name }, own, choice);
  if (plan.problems.length > 0) throw new Error(plan.problems.join("; "));
  await applyConnect(pool, plan, own);
  return { preset, schema: escapeIdentifier(schema), table, historyRows };
}

/**
 * The keys a team's table already holds when it connects idemscope, shaped like the library's
 * own (scripts/support/preset-rows.ts); the collector imports them (docs/capture.md).
 */
async function writeHistory(
  pool: Pool,
  preset: Preset,
  table: string,
  history: PresetHistory,
): Promise<number> {
  const shape = ROW_SHAPES[preset.name];
  if (!shape || history.rows <= 0 || history.days <= 0) return 0;
  const chunk = 50_000;
  for (let from = 1; from <= history.rows; from += chunk)
    await pool.query(shape.insert(table, DEMO_HISTORY_CLIENTS, shape.days(history.days)), [
      from,
      Math.min(history.rows, from + chunk - 1),
      history.rows,
    ]);
  await pool.query(`ANALYZE ${table}`);
  return history.rows;
}

const DEMO_HISTORY_CLIENTS = 40;

/** The contract demo: a source left connected by an earlier `--preset` run is removed. */
export async function returnToContract(pool: Pool, cfg: Config): Promise<void> {
  if (await readConnectedSource(pool, cfg.idemscopeSchema)) await uninstallSource(pool, ownOf(cfg));
}
