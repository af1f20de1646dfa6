// The built-in presets are valid data, their doc pages say what the code does, and a user's
// preset file is checked with a one-line reason per mistake.
import { mkdtemp, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConnectError } from "../../lib/ingest/sources/connect";
import { resolvePreset } from "../../scripts/connect/args";
import { unknownLets } from "../../lib/contract/preset";
import { BUILT_IN_PRESETS } from "../../lib/contract/presets";

const docs = path.resolve(import.meta.dirname, "../../docs/presets");
const flat = (s: string) => s.replace(/\s+/g, " ").replaceAll("|", "\\|");

describe("built-in presets", () => {
  it("use only the lets they define", () => {
    for (const p of BUILT_IN_PRESETS.values()) expect(unknownLets(p)).toEqual([]);
  });

  it("each has a doc page with every derivation as the code has it", () => {
    for (const p of BUILT_IN_PRESETS.values()) {
      const page = readFileSync(path.join(docs, `${p.name}.md`), "utf8");
      for (const expr of Object.values(p.derive)) expect(page).toContain(flat(expr));
      for (const column of Object.keys(p.columns)) expect(page).toContain(`\`${column}\``);
    }
  });
});

describe("a preset file", () => {
  async function file(content: string): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "idemscope-preset-"));
    const f = path.join(dir, "mine.json");
    await writeFile(f, content);
    return f;
  }
  const valid = () => JSON.parse(JSON.stringify(BUILT_IN_PRESETS.get("stripe-style")));

  it("is accepted when it has the built-in shape", async () => {
    const f = await file(JSON.stringify({ ...valid(), name: "mine" }));
    expect(await resolvePreset(f)).toMatchObject({ name: "mine" });
  });

  it.each([
    ["not JSON", "{ nope", /preset file .*mine\.json: .*JSON/],
    [
      "a missing derivation",
      JSON.stringify({ ...valid(), derive: { ...valid().derive, key: undefined } }),
      /derive\.key: /,
    ],
    [
      "a second statement",
      JSON.stringify({ ...valid(), derive: { ...valid().derive, scope: "1; DROP TABLE x" } }),
      /derive\.scope: must be one SQL expression/,
    ],
    [
      "an undefined {let}",
      JSON.stringify({ ...valid(), derive: { ...valid().derive, scope: "{tenant}" } }),
      /\{tenant\} is used but not defined in "lets"/,
    ],
    [
      "an unknown action kind",
      JSON.stringify({ ...valid(), actions: { ...valid().actions, fail: { kind: "drop" } } }),
      /actions\.fail/,
    ],
  ])("is refused with %s", async (_what, content, message) => {
    const err = await resolvePreset(await file(content)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message.split("\n")).toHaveLength(1);
  });

  it("names the built-ins when the name is unknown", async () => {
    await expect(resolvePreset("stripe")).rejects.toThrow(
      'unknown preset "stripe": built in are contract, stripe-style, medusa-v1, node-idempotency, masstransit-inbox, medusa-v2',
    );
  });
});
