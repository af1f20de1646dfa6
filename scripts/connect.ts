// `npm run connect -- --preset NAME|FILE [--table SCHEMA.TABLE] [--capture triggers|logical[,spans]]
// [--apply | --uninstall]` (docs/presets.md), or `--capture spans --apply` alone for a store outside
// PostgreSQL (docs/capture.md, "Spans only"): checks the store's table against the preset, the
// privileges and the capture's preconditions, prints what each panel will show and the SQL it
// needs; --apply installs it in one transaction (and records the source for every idemscope
// process on this database); --uninstall removes all of it, the replication slot included.
// --search-indexes shows the indexes that would serve key search on the library's table (its own
// rarely do), --create-search-indexes creates the missing ones, CONCURRENTLY. --no-import leaves the
// rows the table already holds out (by default the collector imports them after --apply).
// --detect proposes a preset for a table nobody ships one for (scripts/connect/detect.ts).
// Exit 0 done, 1 the database does not fit (each reason on one line), 2 bad arguments.
import { parseArgs } from "node:util";
import { ConfigError, parseConfig } from "../lib/core/config";
import { createPool } from "../lib/db/pool";
import { migrate } from "../lib/contract/migrate";
import { readConnectedSource, type SourceBinding } from "../lib/contract/source-binding";
import { createSearchIndexes, searchIndexReport } from "../lib/ingest/sources/search-indexes";
import {
  applyConnect,
  captureLabel,
  ConnectError,
  planConnect,
  uninstallSource,
} from "../lib/ingest/sources/connect";
import { parseCaptureArg, parseTableArg, resolvePreset, spansOnlyChoice } from "./connect/args";
import { runDetect } from "./connect/detect";
import type { CoverageRow } from "../lib/contract/coverage";
import { CONTRACT_PRESET } from "../lib/contract/presets";
import { spansOnlyPreset } from "../lib/contract/preset-spans-only";
import { contractTableNames } from "../lib/contract/tables";

function fail(code: 1 | 2, message: string): never {
  console.error(`connect: ${message}`);
  process.exit(code);
}

let values: {
  preset?: string;
  table?: string;
  capture?: string;
  apply: boolean;
  uninstall: boolean;
  "search-indexes": boolean;
  "create-search-indexes": boolean;
  "no-import": boolean;
  detect: boolean;
  out?: string;
};
const USAGE =
  "usage: npm run connect -- --preset NAME [--table SCHEMA.TABLE] [--capture triggers|logical[,spans]] [--apply [--no-import] | --uninstall] [--search-indexes | --create-search-indexes]; or --capture spans [--apply]; or --detect [--table SCHEMA.TABLE] [--out FILE]";
try {
  values = parseArgs({
    options: {
      preset: { type: "string" },
      table: { type: "string" },
      capture: { type: "string" },
      apply: { type: "boolean", default: false },
      uninstall: { type: "boolean", default: false },
      "search-indexes": { type: "boolean", default: false },
      "create-search-indexes": { type: "boolean", default: false },
      "no-import": { type: "boolean", default: false },
      detect: { type: "boolean", default: false },
      out: { type: "string" },
    },
  }).values as typeof values;
} catch (err) {
  fail(2, `${(err as Error).message} (${USAGE})`);
}
if (values.detect && (values.preset || values.apply || values.uninstall))
  fail(2, "--detect proposes a preset: review it, then --preset FILE --apply");
if (values.apply && values.uninstall) fail(2, "--apply and --uninstall exclude each other");
let choice;
let spansOnly;
try {
  // the span-only source (--capture spans, or --preset spans-only): no table of the service's
  spansOnly = spansOnlyChoice(values);
  choice = spansOnly ?? {
    ...parseCaptureArg(values.capture),
    importsHistory: !values["no-import"],
  };
} catch (err) {
  fail(2, (err as Error).message);
}
if (!values.preset && !spansOnly && !values.uninstall && !values.detect)
  fail(2, "--preset NAME is required (or --capture spans, --detect, or --uninstall)");
if (spansOnly && (values.table || values["search-indexes"] || values["create-search-indexes"]))
  fail(2, "the span-only source reads no table: --table and the search indexes do not apply");

let cfg;
try {
  cfg = parseConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) fail(2, err.message);
  throw err;
}
if (!cfg.databaseUrl) fail(2, "set DATABASE_URL to the store's database");
const databaseUrl = cfg.databaseUrl;
const t = contractTableNames(cfg);
const own = { own: t.own, ownTable: t.ownTable, schema: cfg.idemscopeSchema };

function table(rows: CoverageRow[]): string {
  const w = Math.max(...rows.map((r) => r.panel.length));
  return rows.map((r) => `  ${r.panel.padEnd(w)}  ${r.status.padEnd(11)}  ${r.detail}`).join("\n");
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 24 ? 1 : 0)} MiB`;

/** The key search indexes of the library's table: shown, or the missing ones created. */
async function searchIndexes(binding: SourceBinding, create: boolean): Promise<void> {
  const report = await searchIndexReport(pool, binding);
  console.log("\nKey search on the library's table (its own indexes serve the library's lookups):");
  for (const x of report)
    console.log(
      `  ${x.present ? "present" : "missing"}  ${x.name}: ${x.serves}; about ${mib(x.estimatedBytes)}, one more index entry to write per new key\n    ${x.statement.replace(/\s+/g, " ")};`,
    );
  if (!create) {
    if (report.some((x) => !x.present))
      console.log("\nnpm run connect -- --create-search-indexes creates the missing ones.");
    return;
  }
  for (const x of await createSearchIndexes(pool, binding))
    console.log(
      x.error
        ? `  ${x.name}: not created (${x.error}); that search stays slow`
        : `  ${x.name}: created in ${x.seconds.toFixed(1)} s, ${mib(x.bytes ?? 0)}`,
    );
}

const pool = createPool(databaseUrl, { max: 2, applicationName: "idemscope-connect" });
/** what an attempt to lock waited for, on stderr (stdout stays the plan and the outcome) */
const onWait = (message: string) => console.error(`connect: ${message}`);
try {
  if (values.uninstall) {
    await migrate({ databaseUrl, includeStore: false });
    console.log((await uninstallSource(pool, own, { onWait })).message);
    process.exit(0);
  }
  if (values.detect) {
    const target = values.table ? parseTableArg(values.table, "public") : null;
    process.exit(
      await runDetect(pool, {
        table: target,
        out: values.out,
        own,
        choice,
        contractTables: [cfg.keysTable, cfg.eventsTable].map((name) => ({
          schema: cfg.storeSchema,
          name,
        })),
        printCoverage: table,
      }),
    );
  }
  const preset = spansOnly
    ? spansOnlyPreset(cfg.idemscopeSchema)
    : await resolvePreset(values.preset!);
  if (preset === CONTRACT_PRESET) {
    const connected = await readConnectedSource(pool, cfg.idemscopeSchema);
    if (connected)
      fail(
        1,
        `this database reads ${connected.preset.name} on ${connected.base}; run npm run connect -- --uninstall to return to the contract`,
      );
    const r = await pool.query<{ keys: boolean; events: boolean }>(
      `SELECT to_regclass($1) IS NOT NULL AS keys, to_regclass($2) IS NOT NULL AS events`,
      [t.keys, t.events],
    );
    if (!r.rows[0]!.keys)
      fail(1, `table ${t.keys} does not exist (npm run migrate -- --store creates the contract)`);
    console.log(
      `contract: ${t.keys}${r.rows[0]!.events ? ` and ${t.events}` : " (no events table: the event panels say so)"} are read directly; nothing to install`,
    );
    process.exit(0);
  }
  const target = values.table
    ? parseTableArg(values.table, preset.table.schema)
    : { schema: preset.table.schema, name: preset.table.name };
  const plan = await planConnect(pool, preset, target, own, choice);
  if (spansOnly)
    console.log(
      `${preset.title}: no table of the service's is read; the spans sent to POST /v1/traces are the record (stand-in keys table ${plan.binding.base}, always empty)\n`,
    );
  else {
    console.log(`${preset.title}: ${plan.binding.base}, ${captureLabel(plan.binding)}`);
    console.log(`  derivations from ${preset.library} (${preset.ddlSource})\n`);
  }
  if (plan.problems.length > 0) {
    for (const p of plan.problems) console.error(`connect: ${p}`);
    process.exit(1);
  }
  console.log("Coverage (what each panel will show):");
  console.log(table(plan.coverage));
  if (plan.warnings.length > 0)
    console.log(`\nNotes:\n${plan.warnings.map((w) => `  - ${w}`).join("\n")}`);
  if (values["search-indexes"] || values["create-search-indexes"]) {
    await searchIndexes(plan.binding, values["create-search-indexes"]);
    process.exit(0);
  }
  if (!values.apply) {
    console.log("\nSQL (npm run connect -- --apply runs it in one transaction):\n");
    const slot = plan.binding.logical?.slot;
    if (slot)
      console.log(
        `-- first, outside the transaction (a replication slot cannot be made inside one):\nSELECT pg_create_logical_replication_slot('${slot}', 'pgoutput');\n`,
      );
    console.log(`BEGIN;\n${plan.statements.map((s) => `${s.trim()};`).join("\n\n")}\nCOMMIT;`);
    process.exit(0);
  }
  await migrate({ databaseUrl, includeStore: false });
  const outcome = await applyConnect(pool, plan, own, { onWait });
  console.log(`\n${outcome.message}`);
  process.exit(0);
} catch (err) {
  if (err instanceof ConnectError) fail(1, err.message);
  fail(1, (err as Error).message);
} finally {
  await pool.end().catch(() => undefined);
}
