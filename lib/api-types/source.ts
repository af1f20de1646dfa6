// JSON shape of the connected source, carried by the Overview and Store responses
// (docs/presets.md): what the numbers come from and what this layout cannot see.
export type CoverageStatus = "available" | "partial" | "unavailable";

export type SourceSummary = {
  /** "contract" or the preset's name */
  preset: string;
  title: string;
  /** the store's table the numbers are read from (the preset's own table, not the mapping view) */
  table: string | null;
  /** how the table's row changes are captured */
  capture: "contract events" | "triggers" | "logical";
  /** OpenTelemetry spans add the requests that write nothing */
  spans: boolean;
  /** when the capture was installed: nothing before it is known */
  since: string | null;
  /** what the layout's capture cannot see, with the reason (absent: it can) */
  notCaptured: Partial<
    Record<
      "replays" | "conflicts" | "mismatches" | "clients" | "expiries" | "replayLatency",
      string
    >
  >;
  coverage: { panel: string; status: CoverageStatus; detail: string }[];
};
