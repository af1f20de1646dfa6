// The built-in store presets (docs/presets.md), each in a file of its own (preset-*.ts) with the
// library source its derivation follows; the same DDL is in tests/fixtures/stores/ for the tests.
import { DEFAULT_LOCK_TIMEOUT_SECONDS } from "../core/config";
import { CONTRACT_COLUMNS, CONTRACT_DERIVATION, presetSchema, type Preset } from "./preset";
import { SPANS_ONLY_PRESET } from "./preset-spans-only";
import { medusaV2 } from "./preset-medusa-v2";
import { massTransitInbox } from "./preset-masstransit-inbox";
import { nodeIdempotency } from "./preset-node-idempotency";
import { medusaV1, stripeStyle } from "./preset-recovery-points";

export const BUILT_IN_PRESETS: ReadonlyMap<string, Preset> = new Map(
  [stripeStyle, medusaV1, nodeIdempotency, massTransitInbox, medusaV2].map((p) => [
    p.name,
    presetSchema.parse(p),
  ]),
);

/** The contract's name, as `--preset` and the JSON API spell it. */
export const CONTRACT_PRESET = "contract";

/**
 * The store contract itself (docs/store-contract.md; DDL in lib/contract/schema/contract.ts), as
 * data like any library's layout: every column is its own, its writer appends its own events
 * (so nothing is captured), and release and fail change the row in place. Its lock timeout is
 * IDEMSCOPE_LOCK_TIMEOUT_SECONDS' default.
 */
export const CONTRACT: Preset = presetSchema.parse({
  name: CONTRACT_PRESET,
  title: "idemscope store contract",
  library: "idemscope (the store contract)",
  ddlSource: "lib/contract/schema/contract.ts",
  table: { schema: "public", name: "idempotency_keys" },
  columns: CONTRACT_COLUMNS,
  derive: CONTRACT_DERIVATION,
  lockTimeoutSeconds: DEFAULT_LOCK_TIMEOUT_SECONDS,
  sees: {
    claims: true,
    completions: true,
    reclaims: true,
    replays: true,
    conflicts: true,
    mismatches: true,
    expiries: true,
    clients: true,
  },
  actions: {
    release: {
      kind: "update",
      set: "locked_at = NULL, lock_owner = NULL, updated_at = now()",
      explanation:
        "Release unlocks the key: the client's next retry runs the work again (from its recovery point). Use it when the work did not happen or is safe to repeat.",
    },
    fail: {
      kind: "update",
      set: `status = 'failed', locked_at = NULL, lock_owner = NULL, updated_at = now(),
        response_code = 500, response_body = {failed_response}, completed_at = now()`,
      explanation:
        "Fail stores a terminal error: every retry with this key gets a definitive 500 answer and the work never runs again. Use it when the work must not be repeated.",
    },
  },
  amounts: true,
  notes: [],
});

export const PRESET_NAMES = [CONTRACT_PRESET, ...BUILT_IN_PRESETS.keys(), SPANS_ONLY_PRESET];
