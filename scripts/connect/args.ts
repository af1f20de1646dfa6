// The arguments of `npm run connect` (and the demo's --preset and --capture), parsed into what
// lib/ingest/sources/connect.ts plans with; each mistake is a ConnectError of one line.
import { readFile } from "node:fs/promises";
import { captureModeNamed, CONNECTABLE_MODES, SPANS_ONLY } from "../../lib/contract/capture-modes";
import { presetSchema, unknownLets, type Preset } from "../../lib/contract/preset";
import { BUILT_IN_PRESETS, CONTRACT_PRESET, PRESET_NAMES } from "../../lib/contract/presets";
import { SPANS_ONLY_PRESET } from "../../lib/contract/preset-spans-only";
import { ConnectError, type CaptureChoice } from "../../lib/ingest/sources/connect";

/** A built-in preset by name, or a preset file (JSON) by path. */
export async function resolvePreset(nameOrPath: string): Promise<Preset | typeof CONTRACT_PRESET> {
  if (nameOrPath === CONTRACT_PRESET) return CONTRACT_PRESET;
  const builtIn = BUILT_IN_PRESETS.get(nameOrPath);
  if (builtIn) return builtIn;
  if (!/[./]/.test(nameOrPath))
    throw new ConnectError(
      `unknown preset "${nameOrPath}": built in are ${PRESET_NAMES.join(", ")}; or give the path of a preset file (docs/presets.md)`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(nameOrPath, "utf8"));
  } catch (err) {
    throw new ConnectError(`preset file ${nameOrPath}: ${(err as Error).message}`);
  }
  const parsed = presetSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConnectError(
      `preset file ${nameOrPath}: ${issue.path.join(".") || "(top level)"}: ${issue.message}`,
    );
  }
  const missing = unknownLets(parsed.data);
  if (missing.length > 0)
    throw new ConnectError(
      `preset file ${nameOrPath}: {${missing[0]}} is used but not defined in "lets"`,
    );
  return parsed.data;
}

/** "schema.name" or "name" (in the preset's schema). */
export function parseTableArg(
  arg: string,
  fallbackSchema: string,
): { schema: string; name: string } {
  const dot = arg.indexOf(".");
  const [schema, name] = dot > 0 ? [arg.slice(0, dot), arg.slice(dot + 1)] : [fallbackSchema, arg];
  if (!schema || !name) throw new ConnectError(`--table "${arg}" is not SCHEMA.TABLE`);
  return { schema, name };
}

/**
 * `--capture triggers`, `logical`, `logical,spans`, …; `spans` alone is the span-only source, for
 * a store outside PostgreSQL (no table, no row capture).
 */
export function parseCaptureArg(arg: string | undefined): CaptureChoice {
  const parts = (arg ?? "triggers")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  const modes = CONNECTABLE_MODES.map((m) => m.name as string);
  const unknown = parts.find((p) => p !== "spans" && !modes.includes(p));
  if (unknown)
    throw new ConnectError(
      `--capture "${unknown}" is not one of triggers, logical, spans (e.g. --capture logical,spans)`,
    );
  const rows = parts.filter((p) => p !== "spans");
  if (rows.length > 1) throw new ConnectError("--capture takes triggers or logical, not both");
  // spans alone: a store idemscope cannot read (lib/contract/preset-spans-only.ts)
  if (rows.length === 0) return { capture: SPANS_ONLY, spans: true, importsHistory: false };
  return { capture: captureModeNamed(rows[0]!)!, spans: parts.includes("spans") };
}

/**
 * The span-only source's capture when the arguments ask for it (`--capture spans` alone, or
 * `--preset spans-only`), else null; a ConnectError when they also name a table's preset or a row
 * capture. Arguments left at their defaults are passed as undefined.
 */
export function spansOnlyChoice(a: { preset?: string; capture?: string }): CaptureChoice | null {
  const alone = a.capture?.trim() === "spans";
  if (!alone && a.preset !== SPANS_ONLY_PRESET) return null;
  if (a.preset !== undefined && a.preset !== SPANS_ONLY_PRESET)
    throw new ConnectError(
      "--capture spans alone reads no table: leave out --preset (or use --preset spans-only), or add a row capture (--capture logical,spans)",
    );
  if (a.capture !== undefined && !alone)
    throw new ConnectError(
      "--preset spans-only reads no table: use --capture spans, or leave --capture out",
    );
  return { capture: SPANS_ONLY, spans: true, importsHistory: false };
}
