// `npm run connect -- --detect [--table SCHEMA.TABLE] [--out FILE]`: proposes a preset for a
// table nobody ships one for (lib/ingest/sources/detect/), prints each role it recognised, what it
// could not map and the questions for the table's owner, checks the proposal as --apply would
// (planConnect), and writes it as a preset file. Exit 0 when a usable preset was written (or, with
// no --out, could be), 1 when the table cannot be read as a store, 2 when the choice is the user's.
import { writeFile } from "node:fs/promises";
import type { Pool } from "pg";
import { planConnect, type CaptureChoice } from "../../lib/ingest/sources/connect";
import { proposePreset } from "../../lib/ingest/sources/detect/propose-preset";
import { findCandidateTables, readTableFacts } from "../../lib/ingest/sources/detect/table-facts";
import type { OwnNames } from "../../lib/ingest/sources/derived-sql";
import type { CoverageRow } from "../../lib/contract/coverage";

type Target = { schema: string; name: string };

export async function runDetect(
  pool: Pool,
  options: {
    table: Target | null;
    out: string | undefined;
    own: OwnNames & { schema: string };
    choice: CaptureChoice;
    /** the contract's own tables on this database: not stores to detect */
    contractTables: Target[];
    printCoverage: (rows: CoverageRow[]) => string;
  },
): Promise<0 | 1 | 2> {
  let target = options.table;
  if (!target) {
    const found = await findCandidateTables(pool, {
      schema: options.own.schema,
      tables: options.contractTables,
    });
    if (found.length === 0) {
      console.error(
        "connect: no table looks like an idempotency store (by its name or an idempotency key column); name one with --table SCHEMA.TABLE",
      );
      return 1;
    }
    if (found.length > 1) {
      console.error(
        `connect: ${found.length} tables look like idempotency stores: ${found.map((t) => `${t.schema}.${t.name}`).join(", ")}; choose one with --table`,
      );
      return 2;
    }
    target = found[0]!;
  }
  const facts = await readTableFacts(pool, target.schema, target.name);
  if (!facts) {
    console.error(`connect: table ${target.schema}.${target.name} does not exist`);
    return 1;
  }
  const p = proposePreset(facts);
  console.log(
    `${facts.schema}.${facts.name}: ${facts.columns.length} columns, about ${Math.round(facts.estimatedRows).toLocaleString("en-US")} rows, ${facts.sampled} sampled\n`,
  );
  console.log("Roles recognised:");
  for (const [role, f] of Object.entries(p.roles))
    console.log(
      `  ${role.padEnd(15)} ${f!.columns
        .map((c) => c.name)
        .join(", ")
        .padEnd(24)} ${f!.why}`,
    );
  if (p.unmapped.length) {
    console.log("\nNot mapped:");
    for (const u of p.unmapped) console.log(`  ${u.role.padEnd(15)} ${u.consequence}`);
  }
  if (p.questions.length) {
    console.log("\nQuestions for the table's owner (also in the preset's notes):");
    p.questions.forEach((q, i) => console.log(`  ${i + 1}. ${q}`));
  }
  if (!p.usable) {
    console.error(
      `connect: no usable preset: ${!p.roles.key ? "no column reads as the idempotency key" : "no creation or expiry time"}`,
    );
    return 1;
  }
  // checked as --apply would check it: the columns, the privileges, the derivation run on the table
  const plan = await planConnect(pool, p.preset, target, options.own, options.choice);
  if (plan.problems.length) {
    for (const x of plan.problems) console.error(`connect: ${x}`);
    return 1;
  }
  console.log("\nCoverage (what each panel will show):");
  console.log(options.printCoverage(plan.coverage));
  if (!options.out) {
    console.log(
      "\nnpm run connect -- --detect --out FILE writes this preset; nothing was written.",
    );
    return 0;
  }
  await writeFile(options.out, `${JSON.stringify(p.preset, null, 2)}\n`);
  console.log(
    `\nWrote ${options.out}. Answer the questions above (edit the file), then:\n  npm run connect -- --preset ${options.out} --table ${facts.schema}.${facts.name} --apply`,
  );
  return 0;
}
