import type { SourceSummary } from "@/lib/client/api-types/source";

/** How a source's events are captured, in words: "logical decoding and OpenTelemetry spans". */
export function captureName(
  source: Pick<SourceSummary, "captureLabel" | "spans" | "capture">,
): string {
  return source.spans && source.capture !== "spans"
    ? `${source.captureLabel} and OpenTelemetry spans`
    : source.captureLabel;
}
