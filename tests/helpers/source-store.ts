// A library's own table (DDL from tests/fixtures/stores, taken from the library's source) in a
// schema of its own beside a test store, and the store connected to it through a preset.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { escapeIdentifier } from "pg";
import { parseConfig, type Config } from "../../lib/config";
import { writeContextOf, type WriteContext } from "../../lib/db/context";
import type { SourceBinding } from "../../lib/sources/active";
import { drainCaptureQueue } from "../../lib/sources/capture-drain";
import { applyConnect, planConnect, type ConnectPlan } from "../../lib/sources/connect";
import type { Preset } from "../../lib/sources/preset";
import { BUILT_IN_PRESETS } from "../../lib/sources/presets";
import { tableNamesFor, type TableNames } from "../../lib/tables";
import type { TestStore } from "./store";

const fixtures = path.resolve(import.meta.dirname, "../fixtures/stores");

/** Creates the library's table in `schema` from its fixture DDL. */
export async function createLibraryTable(
  store: TestStore,
  presetName: string,
  schema: string,
): Promise<void> {
  const ddl = await readFile(path.join(fixtures, `${presetName}.sql`), "utf8");
  await store.pool.query(`CREATE SCHEMA IF NOT EXISTS ${escapeIdentifier(schema)}`);
  await store.pool.query(ddl.replaceAll("{{schema}}", escapeIdentifier(schema)));
}

export function ownNames(store: TestStore) {
  return { own: store.t.own, ownTable: store.t.ownTable, schema: store.layout.idemscopeSchema };
}

export type ConnectedStore = {
  preset: Preset;
  /** the library's table, quoted */
  table: string;
  binding: SourceBinding;
  t: TableNames;
  ctx: (cfg?: Config) => WriteContext;
  plan: ConnectPlan;
};

/** Creates the library's table and connects the store to it with the built-in preset. */
export async function connectLibraryStore(
  store: TestStore,
  presetName: string,
): Promise<ConnectedStore> {
  const preset = BUILT_IN_PRESETS.get(presetName)!;
  const schema = `${store.schema}_lib`;
  await createLibraryTable(store, presetName, schema);
  const plan = await planConnect(
    store.pool,
    preset,
    { schema, name: preset.table.name },
    ownNames(store),
  );
  if (plan.problems.length > 0) throw new Error(plan.problems.join("\n"));
  await applyConnect(store.pool, plan, ownNames(store));
  const t = tableNamesFor(store.layout, plan.binding);
  return {
    preset,
    table: plan.binding.base,
    binding: plan.binding,
    t,
    ctx: (cfg = parseConfig({})) => writeContextOf(store.pool, t, cfg),
    plan,
  };
}

/** Counts of captured events per kind, once the capture queue is drained. */
export async function capturedKinds(
  store: TestStore,
  t: TableNames,
): Promise<Record<string, number>> {
  // as the collector does first: the queued row changes become events
  await drainCaptureQueue(writeContextOf(store.pool, t, parseConfig({})));
  const r = await store.pool.query<{ kind: string; n: number }>(
    `SELECT kind, count(*)::int AS n FROM ${t.events} GROUP BY kind`,
  );
  return Object.fromEntries(r.rows.map((x) => [x.kind, x.n]));
}
