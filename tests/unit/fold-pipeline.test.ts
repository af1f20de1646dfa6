// The fold of a batch is one list (lib/fold/pipeline.ts). Its steps talk through work tables, so
// the order matters: a step that read a table no earlier step wrote would read last batch's rows
// (emptied at commit: none) and fold nothing, silently. The declarations are checked against the
// steps' own SQL, helpers included, so that they cannot drift from the code.
import { foldedBefore } from "../../lib/contract/vocabulary";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BATCH_INPUT, BATCH_STEPS, type WorkTable } from "../../lib/fold/pipeline";
import { LIB } from "../helpers/import-graph";

const WORK_TABLES: WorkTable[] = ["batch", "batch_cells", "touched", "success_deltas", "hot_now"];
const FOLD = path.join(LIB, "fold");

/** Every function of lib/fold by name, with its text. */
function foldFunctions(): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of fs.readdirSync(FOLD).filter((f) => f.endsWith(".ts"))) {
    const text = fs.readFileSync(path.join(FOLD, file), "utf8");
    const starts = [...text.matchAll(/^(?:export )?(?:async )?function (\w+)\(/gm)];
    starts.forEach((m, i) => {
      const end = starts[i + 1]?.index ?? text.length;
      out.set(m[1]!, text.slice(m.index, end));
    });
  }
  return out;
}

/** The work tables a step's SQL reads and writes, through the lib/fold helpers it calls. */
function tablesTouched(name: string, functions: Map<string, string>) {
  const reads = new Set<WorkTable>();
  const writes = new Set<WorkTable>();
  const seen = new Set<string>();
  const visit = (fn: string) => {
    if (seen.has(fn)) return;
    seen.add(fn);
    const body = functions.get(fn) ?? "";
    for (const m of body.matchAll(/fillWorkTable\(\s*\w+,\s*"(\w+)"/g))
      writes.add(m[1] as WorkTable);
    for (const m of body.matchAll(/\b(?:FROM|JOIN)\s+(\w+)/g))
      if (WORK_TABLES.includes(m[1] as WorkTable)) reads.add(m[1] as WorkTable);
    // the contract's SQL words that name a work table (lib/contract/vocabulary.ts): the
    // per-intent aggregate over a table
    for (const m of body.matchAll(/perIntentAggregate\("(\w+)"\)/g)) reads.add(m[1] as WorkTable);
    for (const m of body.matchAll(/\b(\w+)\(/g))
      if (m[1] !== fn && functions.has(m[1]!)) visit(m[1]!);
  };
  visit(name);
  for (const w of writes) reads.delete(w); // a step reads back what it wrote itself
  return { reads: [...reads].sort(), writes: [...writes].sort() };
}

describe("the fold pipeline", () => {
  it("decides what was folded before a batch by ranges, never by joining the batch's temp table", () => {
    // an anti-join with `batch`, which the planner cannot estimate, became a nested loop over it:
    // 230 s for one batch with many hot intents (docs/performance-log.md)
    const sql = foldedBefore("e", "gaps", 1);
    expect(sql).not.toMatch(/\bbatch\b/);
    expect(sql).toContain("$1::bigint");
  });

  it("reads only what an earlier step (or the batch itself) wrote", () => {
    const written = new Set<WorkTable>([BATCH_INPUT]);
    for (const step of BATCH_STEPS) {
      for (const table of step.reads)
        expect(written, `${step.name} reads ${table}`).toContain(table);
      for (const table of step.writes) written.add(table);
    }
  });

  it("declares exactly the work tables each step's SQL reads and writes", () => {
    const functions = foldFunctions();
    for (const step of BATCH_STEPS) {
      const source = fs.readFileSync(path.join(FOLD, step.module), "utf8");
      expect(source, `${step.run.name} in lib/fold/${step.module}`).toMatch(
        new RegExp(`^export async function ${step.run.name}\\(`, "m"),
      );
      expect(tablesTouched(step.run.name, functions), step.name).toEqual({
        reads: [...step.reads].sort(),
        writes: [...step.writes].sort(),
      });
    }
  });

  it("writes every work table it declares, and no two steps write the same one", () => {
    const writers = BATCH_STEPS.flatMap((s) => s.writes);
    expect(new Set(writers).size).toBe(writers.length);
    expect([BATCH_INPUT, ...writers].sort()).toEqual([...WORK_TABLES].sort());
  });
});
