// A store preset: the declarative description of one idempotency library's table, how each
// contract column is derived from a row of it, what its capture can and cannot see, and what a
// release and a fail mean there (docs/presets.md). The built-in presets are data of this shape;
// a layout nobody ships a preset for is a JSON file of the same shape (`--preset ./file.json`).
import { z } from "zod";

const sqlIdentifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, "must be a plain SQL identifier (letters, digits, _)");

/**
 * A SQL expression over one row of the store's table, written with the alias `r` (`r.user_id`,
 * `r."MessageId"`), optionally using the preset's `lets` as `{name}`. It is spliced into SQL that
 * idemscope runs with its own rights, so a preset file is configuration an administrator writes,
 * like a migration; statement separators are refused to catch a pasted script.
 */
const expression = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .refine((s) => !s.includes(";"), "must be one SQL expression (no ';')");

/** Every column of the contract's keys table, derived from the store's row. */
export const DERIVED_COLUMNS = [
  "id",
  "scope",
  "key",
  "endpoint",
  "request_hash",
  "status",
  "recovery_point",
  "locked_at",
  "lock_owner",
  "response_code",
  "response_body",
  "attempts",
  "created_at",
  "updated_at",
  "completed_at",
  "expires_at",
] as const;
export type DerivedColumn = (typeof DERIVED_COLUMNS)[number];

/** The SQL type each derived column is cast to, so that every reader sees the contract's types. */
export const DERIVED_TYPES: Record<DerivedColumn | "attempt_marker", string> = {
  id: "bigint",
  scope: "text",
  key: "text",
  endpoint: "text",
  request_hash: "text",
  status: "text",
  recovery_point: "text",
  locked_at: "timestamptz",
  lock_owner: "text",
  response_code: "int",
  response_body: "jsonb",
  attempts: "int",
  created_at: "timestamptz",
  updated_at: "timestamptz",
  completed_at: "timestamptz",
  expires_at: "timestamptz",
  attempt_marker: "text",
};

/** format_type()'s spelling of the short type names DERIVED_TYPES uses. */
const FORMAT_TYPE: Record<string, string> = {
  timestamptz: "timestamp with time zone",
  int: "integer",
};

/** The contract's keys columns, as format_type() spells the types derived columns are cast to. */
export const CONTRACT_COLUMNS: Record<string, string> = Object.fromEntries(
  DERIVED_COLUMNS.map((c) => [c, FORMAT_TYPE[DERIVED_TYPES[c]] ?? DERIVED_TYPES[c]]),
);

/** A table with the contract's keys columns, each derived as itself. */
export const CONTRACT_DERIVATION = {
  ...Object.fromEntries(DERIVED_COLUMNS.map((c) => [c, `r.${c}`])),
  attempt_marker: "r.attempts",
} as Record<DerivedColumn | "attempt_marker", string>;

const deriveShape = Object.fromEntries(
  [...DERIVED_COLUMNS, "attempt_marker"].map((c) => [c, expression]),
) as Record<DerivedColumn | "attempt_marker", typeof expression>;

/** What the layout's capture can see, per kind of request: `true`, or the reason it cannot. */
const visibility = z.union([z.literal(true), z.string().min(10).max(300)]);

/** Why a library's duplicates are not priced: its stored response has a shape of its own. */
export const NO_AMOUNTS =
  "a library's table keeps its stored response in its own shape: amounts are read from idemscope's store contract only";

const action = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("update"),
    /** the SET list of the UPDATE on the store's table (alias r), e.g. "locked_at = NULL" */
    set: expression,
    /** what the operator is told the change does in this layout */
    explanation: z.string().min(10).max(300),
  }),
  z.strictObject({
    kind: z.literal("delete"),
    explanation: z.string().min(10).max(300),
  }),
  z.strictObject({
    kind: z.literal("unavailable"),
    /** why the button is disabled for this layout */
    reason: z.string().min(10).max(300),
  }),
]);

export const presetSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{1,40}$/, "lower-case letters, digits and '-'"),
  title: z.string().min(3).max(80),
  /** the library and the file its table is taken from (cited on the Store page and in docs) */
  library: z.string().min(3).max(200),
  ddlSource: z.string().min(3).max(300),
  /** where the library creates its table by default; `npm run connect -- --table` overrides */
  table: z.strictObject({ schema: sqlIdentifier, name: z.string().min(1).max(63) }),
  /** the columns the derivation reads and their types as format_type() prints them */
  columns: z.record(z.string().min(1).max(63), z.string().min(2).max(60)),
  /** named sub-expressions, written `{name}` in the derivations (e.g. a parsed JSON column) */
  lets: z.record(sqlIdentifier, expression).default({}),
  derive: z.strictObject(deriveShape),
  /** seconds after which an unfinished execution counts as stuck, unless configured per endpoint */
  lockTimeoutSeconds: z
    .number()
    .int()
    .positive()
    .max(30 * 86_400),
  /**
   * Set where the library claims with `INSERT … ON CONFLICT`: a BEFORE INSERT trigger then sees
   * every refused claim and classifies it (replayed, conflict, mismatch). `conflictColumns` is
   * the unique key; `refusedWhen` (over `x`, the existing row's derived state) says when the
   * existing row wins, i.e. the negation of the library's `DO UPDATE … WHERE`.
   */
  proposals: z
    .strictObject({
      conflictColumns: z.array(z.string().min(1).max(63)).min(1).max(4),
      refusedWhen: expression,
    })
    .optional(),
  sees: z.strictObject({
    claims: visibility,
    completions: visibility,
    reclaims: visibility,
    replays: visibility,
    conflicts: visibility,
    mismatches: visibility,
    expiries: visibility,
    clients: visibility,
  }),
  actions: z.strictObject({ release: action, fail: action }),
  /** whether duplicate successes are priced from the stored response: `true`, or why not */
  amounts: visibility.default(NO_AMOUNTS),
  /** facts about the layout a user should know (shown by `npm run connect` and the Store page) */
  notes: z.array(z.string().min(10).max(400)).max(10).default([]),
});

export type Preset = z.infer<typeof presetSchema>;
export type PresetAction = Preset["actions"]["release"];
export type Visibility = Preset["sees"][keyof Preset["sees"]];

/** The preset's derivation of `column` with its lets expanded: a SQL expression over `r`. */
export function derivation(preset: Preset, column: DerivedColumn | "attempt_marker"): string {
  return expandLets(preset, preset.derive[column]);
}

export function expandLets(preset: Preset, text: string): string {
  // a let may use another ({written} uses {ttl}): expand until nothing changes, a few levels deep
  let out = text;
  for (let depth = 0; depth < 5; depth++) {
    const next = out.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => {
      const let_ = preset.lets[name];
      return let_ === undefined ? whole : `(${let_})`;
    });
    if (next === out) break;
    out = next;
  }
  return out;
}

/** Unknown `{name}` placeholders left after expansion: a preset file's typo, reported on load. */
export function unknownLets(preset: Preset): string[] {
  const texts = [
    ...Object.values(preset.derive),
    ...Object.values(preset.lets),
    preset.proposals?.refusedWhen ?? "",
    ...Object.values(preset.actions).map((a) => (a.kind === "update" ? a.set : "")),
  ];
  const missing = new Set<string>();
  for (const t of texts)
    for (const m of t.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g))
      if (!(m[1]! in preset.lets) && m[1] !== "failed_response") missing.add(m[1]!);
  return [...missing];
}
