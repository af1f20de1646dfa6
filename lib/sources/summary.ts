// The connected source as the pages and API describe it (lib/api-types/source.ts).
import type { SourceSummary } from "../api-types/source";
import type { TableNames } from "../tables";
import { coverageOf } from "./coverage";

export function sourceSummary(t: TableNames): SourceSummary {
  const s = t.source;
  if (!s)
    return {
      preset: "contract",
      title: "idemscope store contract",
      table: t.keys,
      capture: "contract events",
      since: null,
      notCaptured: {},
      coverage: coverageOf(null),
    };
  const notCaptured: SourceSummary["notCaptured"] = {
    // a row change carries no response time: only the service (its traces) knows
    replayLatency: "trigger capture sees when rows change, not how long the service took to answer",
  };
  for (const k of ["replays", "conflicts", "mismatches", "clients", "expiries"] as const) {
    const v = s.preset.sees[k];
    if (v !== true) notCaptured[k] = v;
  }
  return {
    preset: s.preset.name,
    title: s.preset.title,
    table: s.base,
    capture: "triggers",
    since: s.installedAt,
    notCaptured,
    coverage: coverageOf(s.preset),
  };
}
