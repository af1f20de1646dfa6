// The executions inside an intent's events: each claim or reclaim starts one, the next
// completed/failed of the same instance ends it. Shared by the timeline and the waterfall.
import type { LifecycleEvent } from "./api-types/keys";

export type Execution = {
  n: number;
  instance: string | null;
  kind: "claimed" | "reclaimed";
  startAt: string;
  end: { at: string; kind: string; responseCode: number | null } | null;
};

export function executionsOf(events: LifecycleEvent[]): {
  executions: Execution[];
  /** event id → execution number, for labelling the timeline */
  byEvent: Map<string, number>;
} {
  const executions: Execution[] = [];
  const byEvent = new Map<string, number>();
  for (const e of events) {
    if (e.kind === "claimed" || e.kind === "reclaimed") {
      const x: Execution = {
        n: executions.length + 1,
        instance: e.instance,
        kind: e.kind,
        startAt: e.at,
        end: null,
      };
      executions.push(x);
      byEvent.set(e.id, x.n);
    } else if (e.kind === "completed" || e.kind === "failed") {
      const open =
        [...executions].reverse().find((x) => !x.end && x.instance === e.instance) ??
        [...executions].reverse().find((x) => !x.end);
      if (open) {
        open.end = { at: e.at, kind: e.kind, responseCode: e.responseCode };
        byEvent.set(e.id, open.n);
      }
    }
  }
  return { executions, byEvent };
}

/** "+2.1 s", "+5 min 3 s" after the first event. */
export function relativeTime(fromIso: string, toIso: string): string {
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (ms < 1000) return `+${ms} ms`;
  if (ms < 60_000) return `+${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `+${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `+${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `+${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}
