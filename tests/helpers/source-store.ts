// A library's own table (DDL from tests/fixtures/stores, taken from the library's source) in a
// schema of its own beside a test store, and the store connected to it through a preset.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { escapeIdentifier, type PoolClient } from "pg";
import { parseConfig, type Config } from "../../lib/core/config";
import { writeContextOf, type WriteContext } from "../../lib/contract/context";
import type { SourceBinding } from "../../lib/contract/source-binding";
import { drainCaptureQueue } from "../../lib/ingest/sources/capture-drain";
import {
  applyConnect,
  planConnect,
  uninstallSource,
  type CaptureChoice,
  type ConnectPlan,
} from "../../lib/ingest/sources/connect";
import { createPool } from "../../lib/db/pool";
import {
  startLogicalConsumer,
  type LogicalConsumer,
} from "../../lib/ingest/sources/logical-consumer";
import { presetSchema, type Preset } from "../../lib/contract/preset";
import { BUILT_IN_PRESETS } from "../../lib/contract/presets";
import { tableNamesFor, type TableNames } from "../../lib/contract/tables";
import { libraryClient, type LibraryClient } from "../../scripts/demo/library-traffic";
import type { TestStore } from "./store";
import { TRIGGERS } from "../../lib/contract/capture-modes";

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
  /** resolves once every change committed before the call is in the capture queue */
  settle: () => Promise<void>;
  /** stops logical capture's consumer (as when the collector's leader dies) */
  stopConsumer: () => Promise<void>;
  /** stops logical capture's consumer and removes the source (the slot with it) */
  disconnect: () => Promise<void>;
};

/** Creates the library's table and connects the store to it with the built-in preset. */
export async function connectLibraryStore(
  store: TestStore,
  presetName: string,
  choice: CaptureChoice = { capture: TRIGGERS, spans: false },
  /** logical capture: run its consumer in this process (false: another process will) */
  consume = true,
  /** writes the rows the table holds before it is connected (its quoted name) */
  beforeConnect?: (table: string) => Promise<void>,
): Promise<ConnectedStore> {
  const preset = BUILT_IN_PRESETS.get(presetName)!;
  const schema = `${store.schema}_lib`;
  await createLibraryTable(store, presetName, schema);
  const table = { schema, name: preset.table.name };
  await beforeConnect?.(`${escapeIdentifier(schema)}.${escapeIdentifier(table.name)}`);
  if (choice.capture.streamsWal)
    await store.pool.query(
      `ALTER TABLE ${escapeIdentifier(schema)}.${escapeIdentifier(table.name)} REPLICA IDENTITY FULL`,
    );
  const plan = await planConnect(store.pool, preset, table, ownNames(store), choice);
  if (plan.problems.length > 0) throw new Error(plan.problems.join("\n"));
  await applyConnect(store.pool, plan, ownNames(store));
  const t = tableNamesFor(store.layout, plan.binding);
  const consumer = choice.capture.streamsWal && consume ? startTestConsumer(store, plan, t) : null;
  return {
    preset,
    table: plan.binding.base,
    binding: plan.binding,
    t,
    ctx: (cfg = parseConfig({})) => writeContextOf(store.pool, t, cfg),
    plan,
    settle: () => (choice.capture.streamsWal ? waitForLogicalCapture(store, t) : Promise.resolve()),
    stopConsumer: async () => await consumer?.stop(),
    disconnect: async () => {
      await consumer?.stop();
      // the slot may already be gone (a test dropped it): remove the rest regardless
      await uninstallSource(store.pool, ownNames(store)).catch(() => undefined);
    },
  };
}

/** Logical capture's consumer as the collector's leader runs it, on a pool of its own. */
function startTestConsumer(store: TestStore, plan: ConnectPlan, t: TableNames) {
  const url = (store.pool.options as { connectionString: string }).connectionString;
  const pool = createPool(url, { max: 2, applicationName: "idemscope-test-logical" });
  let stream: LogicalConsumer | null = startLogicalConsumer({
    pool,
    databaseUrl: url,
    binding: plan.binding,
    own: t,
    heartbeatMs: 100,
    flushMs: 50,
  });
  return {
    stop: async () => {
      if (!stream) return;
      const s = stream;
      stream = null;
      await s.stop();
      await pool.end();
    },
  };
}

/** Waits until the consumer has applied everything committed before this call (its heartbeats). */
export async function waitForLogicalCapture(
  store: Pick<TestStore, "pool">,
  t: TableNames,
  timeoutMs = 20_000,
): Promise<void> {
  const since = (await store.pool.query<{ now: Date }>("SELECT clock_timestamp() AS now")).rows[0]!
    .now;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await store.pool.query<{ ok: boolean; err: string | null }>(
      `SELECT coalesce(caught_up_to >= $1, false) AS ok, last_error AS err FROM ${t.ownTable("logical_state")}`,
      [since],
    );
    if (r.rows[0]?.ok) return;
    if (Date.now() > deadline)
      throw new Error(
        `logical capture did not catch up in ${timeoutMs} ms (${r.rows[0]?.err ?? "no error"})`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Counts of captured events per kind, once the capture queue is drained. */
export async function capturedKinds(
  store: TestStore,
  t: TableNames,
): Promise<Record<string, number>> {
  if (t.source.capture.streamsWal) await waitForLogicalCapture(store, t);
  // as the collector does first: the queued row changes become events
  await drainCaptureQueue(writeContextOf(store.pool, t, parseConfig({})));
  const r = await store.pool.query<{ kind: string; n: number }>(
    `SELECT kind, count(*)::int AS n FROM ${t.events} GROUP BY kind`,
  );
  return Object.fromEntries(r.rows.map((x) => [x.kind, x.n]));
}

/** docs/presets.md's custom-preset example: Stripe-style with its response kept as text (a
 * `payload text` column added to the table), read as JSON, so rows with other text cannot be derived. */
export function payloadTextPreset(responseBody = "r.payload::jsonb"): Preset {
  const stripe = BUILT_IN_PRESETS.get("stripe-style")!;
  return presetSchema.parse({
    ...stripe,
    name: "payload-text",
    title: "Stripe-style with a text payload",
    columns: { ...stripe.columns, payload: "text" },
    derive: { ...stripe.derive, response_body: responseBody },
  });
}

/** A dashboard's read that keeps one of idemscope's tables open until its client commits. */
export async function holdRead(store: TestStore, relation: string): Promise<PoolClient> {
  const c = await store.pool.connect();
  await c.query("BEGIN");
  await c.query(`SELECT count(*) FROM ${relation}`);
  return c;
}

/** The demo's fault simulator on the connected library table (scripts/demo/library-traffic.ts). */
export function libraryClientOf(store: TestStore, src: ConnectedStore): LibraryClient {
  return libraryClient(
    store.pool,
    src.preset,
    src.table,
    `"${store.schema}_lib"`,
    store.t.ownTable("operator_marks"),
  );
}
