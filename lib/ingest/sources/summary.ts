// The connected source as the pages and API describe it (lib/client/api-types/source.ts).
import type { SourceSummary } from "../../client/api-types/source";
import type { Config } from "../../core/config";
import { statedSamplingRatio } from "../spans/span-stats";
import type { TableNames } from "../../contract/tables";
import { coverageOf, sourceSees } from "../../contract/coverage";

export function sourceSummary(ctx: { tables: TableNames; config: Config }): SourceSummary {
  const t = ctx.tables;
  const s = t.source;
  const sees = sourceSees(s);
  const notCaptured: SourceSummary["notCaptured"] = {};
  for (const k of [
    "reclaims",
    "replays",
    "conflicts",
    "mismatches",
    "clients",
    "expiries",
    "replayLatency",
    "claimLatency",
    "store",
  ] as const) {
    const v = sees[k];
    if (v !== true) notCaptured[k] = v;
  }
  return {
    preset: s.preset.name,
    title: s.preset.title,
    table: s.base,
    capture: s.capture.name,
    captureLabel: s.capture.label,
    mapped: s.capture.mapped,
    spans: s.spans,
    // configured by the team, else what the spans state; null when unknown (assumed complete)
    spanSamplingRatio: s.spans ? (ctx.config.spans.samplingRatio ?? statedSamplingRatio()) : null,
    since: s.installedAt,
    importedBefore: s.importsHistory ? s.installedAt : null,
    notCaptured,
    coverage: coverageOf(s),
  };
}
