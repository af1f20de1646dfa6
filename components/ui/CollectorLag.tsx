import type { CollectorStatus } from "@/lib/client/api-types/overview";

/** How far the rollups trail the events table; warns when the collector falls behind. */
export function CollectorLag({ status }: { status: CollectorStatus }) {
  const lag = status.lagSeconds;
  const behind = lag === null || lag > 30 || status.lastError !== null;
  const text =
    lag === null
      ? "rollups: collector has not run yet"
      : lag < 90
        ? `rollups ${Math.round(lag)} s behind`
        : `rollups ${Math.round(lag / 60)} min behind`;
  const detail = [
    status.leader ? `collector leader: ${status.leader}` : "no collector leader yet",
    `${status.eventsTotal.toLocaleString("en-US")} events collected`,
    status.openGaps ? `${status.openGaps} event ids awaiting commit` : null,
    status.lastError ? `last error: ${status.lastError}` : null,
  ]
    .filter(Boolean)
    .join(" · ");
  return (
    <span
      className={behind ? "collector-lag behind" : "collector-lag"}
      title={detail}
      data-testid="collector-lag"
    >
      {text}
    </span>
  );
}
