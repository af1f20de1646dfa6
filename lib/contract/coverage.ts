// What each panel can show for a source, and from what (printed by `npm run connect`, shown on
// the Store page): every panel says where its numbers come from and what it cannot see, instead
// of a silent zero. What a source sees depends on its preset and on its captures together
// (docs/store-contract.md, "Capture modes"): logical decoding reads only committed rows, spans add
// the requests that write nothing.
import type { CaptureMode } from "./capture-modes";
import type { Preset, PresetAction, Visibility } from "./preset";
import { NOT_VISIBLE_WITHOUT_STORE } from "./preset-spans-only";

export type CoverageStatus = "available" | "partial" | "unavailable";
export type CoverageRow = { panel: string; status: CoverageStatus; detail: string };

/** The parts of a source binding that decide what it sees. */
export type CaptureSet = {
  preset: Preset;
  capture: CaptureMode;
  spans: boolean;
};

/**
 * What the source sees, per kind of request, plus replay latency (which only spans carry) and the
 * store's keys themselves (stuck keys, sizes, actions: not with spans alone).
 */
export type SourceSees = Preset["sees"] & {
  replayLatency: Visibility;
  claimLatency: Visibility;
  store: Visibility;
};

/** Kinds spans can add: the requests a service answers without writing its table. */
export const SPAN_KINDS = ["replays", "conflicts", "mismatches"] as const;

export const LOGICAL_REFUSED_CLAIMS =
  "logical decoding reads committed rows only: a claim the library refuses (INSERT … ON CONFLICT) writes nothing to the WAL";
export const NO_CLAIM_TIME =
  "a library's claim records no duration: only idemscope's reference writer stamps the unique insert's time on its claims";
export const NO_RESPONSE_TIME =
  "row changes carry no response time: only the service's own spans know how long it took to answer";
const FROM_SPANS = "from the service's OpenTelemetry spans";

export function sourceSees(s: CaptureSet): SourceSees {
  const sees: SourceSees = {
    ...s.preset.sees,
    replayLatency: s.capture.carriesDurations || NO_RESPONSE_TIME,
    claimLatency: s.capture.carriesDurations || NO_CLAIM_TIME,
    store: s.capture.readsStore || NOT_VISIBLE_WITHOUT_STORE,
  };
  // the BEFORE INSERT trigger is what sees refused claims; the WAL has no trace of them
  if (!s.capture.seesRefusedClaims && s.preset.proposals)
    for (const k of SPAN_KINDS) if (sees[k] === true) sees[k] = LOGICAL_REFUSED_CLAIMS;
  if (s.spans) {
    for (const k of SPAN_KINDS) sees[k] = true;
    sees.replayLatency = true;
  }
  return sees;
}

/**
 * The request kinds the spans must supply: those the row capture cannot see. The rest are left
 * to the row capture, so no request is counted twice.
 */
export function kindsFromSpans(
  s: CaptureSet,
): ("replayed" | "conflict" | "mismatch" | "executed")[] {
  if (!s.spans) return [];
  // with no row capture, the spans are every request, executions included
  if (!s.capture.readsStore) return ["replayed", "conflict", "mismatch", "executed"];
  const rows = sourceSees({ ...s, spans: false });
  const kind = { replays: "replayed", conflicts: "conflict", mismatches: "mismatch" } as const;
  return SPAN_KINDS.filter((k) => rows[k] !== true).map((k) => kind[k]);
}

const why = (v: Visibility): string | null => (v === true ? null : v);

function actionRow(panel: string, a: PresetAction): CoverageRow {
  return a.kind === "unavailable"
    ? { panel, status: "unavailable", detail: a.reason }
    : { panel, status: "available", detail: a.explanation };
}

/** Coverage of a source (the contract's own tables: everything is available). */
export function coverageOf(s: CaptureSet): CoverageRow[] {
  if (!s.capture.mapped)
    return [
      {
        panel: "All panels",
        status: "available",
        detail: "the store follows the contract: keys table and events table read directly",
      },
    ];
  const { preset } = s;
  if (!s.capture.readsStore) return spansOnlyCoverage(preset);
  const sees = sourceSees(s);
  const rows = s.capture.label;
  const spanned = new Set(kindsFromSpans(s));
  const blind = SPAN_KINDS.map((k) => why(sees[k])).filter((w): w is string => w !== null);
  const from = (what: string, fromRows: string, bySpans = FROM_SPANS) =>
    spanned.has(what as "replayed") ? bySpans : fromRows;
  // a span's status alone says conflict or mismatch: a framework's own 409/422 counts too
  const byStatus = (variable: string) =>
    `${FROM_SPANS}: every keyed server span with the status ${variable} names, whoever answered it (a framework's validation error too)`;
  const seen = (v: Visibility, panel: string, detail: string): CoverageRow =>
    v === true
      ? { panel, status: "available", detail }
      : { panel, status: "unavailable", detail: `not captured for this layout: ${v}` };
  return [
    {
      panel: "Requests",
      status: blind.length === 0 ? "available" : "partial",
      detail:
        blind.length === 0
          ? `claims and reclaims by ${rows}${spanned.size > 0 ? `; replays, conflicts and mismatches ${FROM_SPANS}` : ""}`
          : `claims and reclaims only (by ${rows}); ${blind.join("; ")}`,
    },
    seen(
      sees.replays,
      "Replay ratio",
      from("replayed", "replays captured from the rows they touch"),
    ),
    seen(sees.replayLatency, "Replay latency", "span durations of the replayed requests"),
    seen(sees.completions, "Duplicate successes", `completions captured by ${rows}`),
    seen(
      sees.conflicts,
      "Conflicts (409)",
      from(
        "conflict",
        "refused claims seen by the BEFORE INSERT trigger",
        byStatus("IDEMSCOPE_SPAN_CONFLICT_STATUS (409)"),
      ),
    ),
    seen(
      sees.mismatches,
      "Mismatches (422)",
      from(
        "mismatch",
        "refused claims compared by request fingerprint",
        byStatus("IDEMSCOPE_SPAN_MISMATCH_STATUS (422)"),
      ),
    ),
    {
      panel: "Stuck keys",
      status: "available",
      detail: `the keys in progress capture keeps, never a read of the table (lock timeout ${preset.lockTimeoutSeconds} s unless configured per endpoint)`,
    },
    sees.clients === true
      ? {
          panel: "Retries per client",
          status: blind.length === 0 ? "available" : "partial",
          detail:
            blind.length === 0
              ? "requests per key and client from captured events"
              : "reclaims per key only: retries answered from the stored row are not captured",
        }
      : { panel: "Retries per client", status: "unavailable", detail: sees.clients },
    {
      panel: "Key timeline",
      status: "available",
      detail: `captured events, from the moment capture was installed (the table keeps no history)${s.spans ? "; span-derived requests link to their traces" : ""}`,
    },
    {
      panel: "Store size",
      status: "available",
      detail: `the table ${preset.table.name} itself (catalog sizes), not the mapping view`,
    },
    seen(sees.expiries, "Purger health and TTL advisor", "deleted rows captured as expiries"),
    actionRow("Release", preset.actions.release),
    actionRow("Fail", preset.actions.fail),
  ];
}

/** Coverage of a source seen through its spans alone (lib/contract/preset-spans-only.ts). */
function spansOnlyCoverage(preset: Preset): CoverageRow[] {
  const spans = (panel: string, detail: string): CoverageRow => ({
    panel,
    status: "available",
    detail: `${FROM_SPANS}: ${detail}`,
  });
  const blind = (panel: string): CoverageRow => ({
    panel,
    status: "unavailable",
    detail: NOT_VISIBLE_WITHOUT_STORE,
  });
  return [
    spans("Requests", "every keyed server span (executions, replays, 409s, 422s)"),
    spans("Replay ratio", "spans with the replay attribute"),
    spans("Replay latency", "durations of the replayed requests' spans"),
    spans("Claim latency", "durations of the executed requests' spans (the whole request)"),
    spans(
      "Duplicate successes",
      "two executed spans of one key that both answered 2xx, neither a replay (replays must carry the replay attribute)",
    ),
    spans("Conflicts (409)", "keyed server spans answered 409 (IDEMSCOPE_SPAN_CONFLICT_STATUS)"),
    spans("Mismatches (422)", "keyed server spans answered 422 (IDEMSCOPE_SPAN_MISMATCH_STATUS)"),
    spans("Retries per client", "requests per key and client (the client attribute, enduser.id)"),
    spans("Key timeline", "each request of the key, linked to its trace"),
    blind("Stuck keys"),
    blind("Store size"),
    {
      panel: "Purger health and TTL advisor",
      status: "unavailable",
      detail: preset.sees.expiries as string,
    },
    actionRow("Release", preset.actions.release),
    actionRow("Fail", preset.actions.fail),
  ];
}
