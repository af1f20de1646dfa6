// What each panel can show for a source, and from what (printed by `npm run connect`, shown on
// the Store page): every panel says where its numbers come from and what it cannot see, instead
// of a silent zero.
import type { Preset, PresetAction, Visibility } from "./preset";

export type CoverageStatus = "available" | "partial" | "unavailable";
export type CoverageRow = { panel: string; status: CoverageStatus; detail: string };

const why = (v: Visibility): string | null => (v === true ? null : v);

function actionRow(panel: string, a: PresetAction): CoverageRow {
  return a.kind === "unavailable"
    ? { panel, status: "unavailable", detail: a.reason }
    : { panel, status: "available", detail: a.explanation };
}

/** Coverage of a preset's source (null: the contract's tables, where everything is available). */
export function coverageOf(preset: Preset | null): CoverageRow[] {
  if (!preset)
    return [
      {
        panel: "All panels",
        status: "available",
        detail: "the store follows the contract: keys table and events table read directly",
      },
    ];
  const s = preset.sees;
  const blind = (["replays", "conflicts", "mismatches"] as const)
    .map((k) => why(s[k]))
    .filter((w): w is string => w !== null);
  const seen = (v: Visibility, panel: string, from: string): CoverageRow =>
    v === true
      ? { panel, status: "available", detail: from }
      : { panel, status: "unavailable", detail: `not captured for this layout: ${v}` };
  const rows: CoverageRow[] = [
    {
      panel: "Requests",
      status: blind.length === 0 ? "available" : "partial",
      detail:
        blind.length === 0
          ? "every claim, reclaim, replay, conflict and mismatch, captured by triggers"
          : `claims and reclaims only (captured by triggers); ${blind.join("; ")}`,
    },
    seen(s.replays, "Replay ratio", "replays captured from the rows they touch"),
    {
      panel: "Replay latency",
      status: "unavailable",
      detail:
        "not captured: trigger capture sees when rows change, not how long the service took to answer",
    },
    seen(s.completions, "Duplicate successes", "completions captured by the row-change trigger"),
    seen(s.conflicts, "Conflicts (409)", "refused claims seen by the BEFORE INSERT trigger"),
    seen(s.mismatches, "Mismatches (422)", "refused claims compared by request fingerprint"),
    {
      panel: "Stuck keys",
      status: "available",
      detail: `read from the table through the mapping view (lock timeout ${preset.lockTimeoutSeconds} s unless configured per endpoint)`,
    },
    s.clients === true
      ? {
          panel: "Retries per client",
          status: blind.length === 0 ? "available" : "partial",
          detail:
            blind.length === 0
              ? "requests per key and client from captured events"
              : "reclaims per key only: retries answered from the stored row are not captured",
        }
      : { panel: "Retries per client", status: "unavailable", detail: s.clients },
    {
      panel: "Key timeline",
      status: "available",
      detail: "captured events, from the moment capture was installed (the table keeps no history)",
    },
    {
      panel: "Store size",
      status: "available",
      detail: `the table ${preset.table.name} itself (catalog sizes), not the mapping view`,
    },
    seen(s.expiries, "Purger health and TTL advisor", "deleted rows captured as expiries"),
    actionRow("Release", preset.actions.release),
    actionRow("Fail", preset.actions.fail),
  ];
  return rows;
}

/** The sentence a panel shows where its layout cannot see what it counts; null when it can. */
export function blindSpot(preset: Preset | null, what: keyof Preset["sees"]): string | null {
  if (!preset) return null;
  const v = preset.sees[what];
  return v === true ? null : `not captured for this layout (${preset.name}): ${v}`;
}
