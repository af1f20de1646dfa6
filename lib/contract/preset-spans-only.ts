// The span-only source (docs/capture.md, "Spans only"): for a store idemscope cannot read (Redis,
// DynamoDB, a framework's cache), the services' OpenTelemetry spans are the whole record. There is
// no library table; the preset describes an always-empty stand-in in idemscope's own schema with
// the contract's keys columns, so that every reader keeps the contract's shape, and it says what
// spans alone cannot see: a key's state lives in the store.
import { CONTRACT_COLUMNS, CONTRACT_DERIVATION, presetSchema } from "./preset";

/** `--preset spans-only`, and what `--capture spans` alone connects. */
export const SPANS_ONLY_PRESET = "spans-only";

/** The stand-in keys table, in idemscope's own schema (created by connect, never written). */
export const SPANS_ONLY_TABLE = "span_only_keys";

/** Why stuck keys, store growth and the actions are absent from a span-only source. */
export const NOT_VISIBLE_WITHOUT_STORE =
  "not visible without the store: spans carry requests, not a key's state (in progress, locked, expired, its size), which lives in a store outside PostgreSQL";

/** Why release and fail are refused: there is no row idemscope could change. */
export const NO_STORE_ACTIONS =
  "not possible here: the key lives in a store outside PostgreSQL, which idemscope neither reads nor writes";

/** The spans-only preset, its stand-in table in `ownSchema`. */
export function spansOnlyPreset(ownSchema: string) {
  return presetSchema.parse({
    name: SPANS_ONLY_PRESET,
    title: "OpenTelemetry spans only (store outside PostgreSQL)",
    library: "any idempotency library whose services export OTLP spans",
    ddlSource: "none: the store is not read (lib/contract/preset-spans-only.ts)",
    table: { schema: ownSchema, name: SPANS_ONLY_TABLE },
    columns: CONTRACT_COLUMNS,
    derive: CONTRACT_DERIVATION,
    // a request longer than this is not one spans can tell apart from a lost one
    lockTimeoutSeconds: 300,
    sees: {
      claims: true,
      completions: true,
      reclaims:
        "spans say that a request ran the work, not whether it took over an expired lock: every execution counts as a claim",
      replays: true,
      conflicts: true,
      mismatches: true,
      expiries: `${NOT_VISIBLE_WITHOUT_STORE} (expiries happen in the store, with no request)`,
      clients: true,
    },
    actions: {
      release: { kind: "unavailable", reason: NO_STORE_ACTIONS },
      fail: { kind: "unavailable", reason: NO_STORE_ACTIONS },
    },
    notes: [
      "Every keyed server span is a request: a replay (the replay attribute), a 409, a 422, or an execution, recorded as a claim at the span's start and its outcome (2xx/4xx completed, 5xx failed) at its end.",
      "Two executions of one key that both succeeded are a duplicate success; a crash that never exported its span is not seen.",
      "Replays must say so (the Idempotent-Replayed response header captured, or IDEMSCOPE_SPAN_REPLAY_ATTRIBUTES): without it every replay counts as another execution, and a replayed 2xx as a duplicate success.",
      "Server spans need http.route (the route template, as a framework's instrumentation sets it): a raw path alone is recorded under 'METHOD (other)'.",
    ],
  });
}
