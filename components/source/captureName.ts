import type { SourceSummary } from "@/lib/client/api-types/source";

/** How a source's events are captured, in words: "logical decoding and OpenTelemetry spans". */
export function captureName(source: Pick<SourceSummary, "capture" | "spans">): string {
  const rows =
    source.capture === "logical"
      ? "logical decoding"
      : source.capture === "triggers"
        ? "trigger capture"
        : "the contract's events table";
  return source.spans ? `${rows} and OpenTelemetry spans` : rows;
}
