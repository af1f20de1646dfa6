// The connected source as the pages and API describe it (lib/client/api-types/source.ts).
import type { SourceSummary } from "../../client/api-types/source";
import type { Config } from "../../core/config";
import { statedSamplingRatio } from "../spans/span-stats";
import type { TableNames } from "../../contract/tables";
import { coverageOf, sourceSees } from "../../contract/coverage";

export function sourceSummary(ctx: { tables: TableNames; config: Config }): SourceSummary {
  const t = ctx.tables;
  const s = t.source;
  if (!s)
    return {
      preset: "contract",
      title: "idemscope store contract",
      table: t.keys,
      capture: "contract events",
      spans: false,
      spanSamplingRatio: null,
      since: null,
      notCaptured: {},
      coverage: coverageOf(null),
    };
  const sees = sourceSees(s);
  const notCaptured: SourceSummary["notCaptured"] = {};
  for (const k of [
    "replays",
    "conflicts",
    "mismatches",
    "clients",
    "expiries",
    "replayLatency",
    "claimLatency",
  ] as const) {
    const v = sees[k];
    if (v !== true) notCaptured[k] = v;
  }
  return {
    preset: s.preset.name,
    title: s.preset.title,
    table: s.base,
    capture: s.capture,
    spans: s.spans,
    // configured by the team, else what the spans state; null when unknown (assumed complete)
    spanSamplingRatio: s.spans ? (ctx.config.spans.samplingRatio ?? statedSamplingRatio()) : null,
    since: s.installedAt,
    notCaptured,
    coverage: coverageOf(s),
  };
}
