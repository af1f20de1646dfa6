// The Overview tile of logical capture's slot: how far the decoder trails the store, and how much
// WAL its slot keeps on the store's disk (docs/runbooks.md, IdemscopeCaptureSlotLagging).
import type { Tone } from "@/components/ui/StatTile";
import type { SlotStatus } from "@/lib/client/api-types/source";
import { formatAge, formatBytes } from "@/lib/client/format";

/** Amber past this lag, red past the alert's threshold. */
export const SLOT_LAG_WARN_SECONDS = 30;
export const SLOT_LAG_BAD_SECONDS = 300;

export function captureSlotTile(s: SlotStatus): { value: string; tone: Tone; detail: string } {
  const wal = `slot keeps ${formatBytes(s.retainedWalBytes)} of WAL${
    s.safeWalBytes !== null ? `, ${formatBytes(s.safeWalBytes)} more before it is invalidated` : ""
  }`;
  const sampled = s.sampledAt ? ` (sampled ${new Date(s.sampledAt).toLocaleTimeString()})` : "";
  if (s.walStatus === "lost" || s.walStatus === "missing")
    return {
      value: s.walStatus === "lost" ? "slot lost" : "slot missing",
      tone: "bad",
      detail:
        s.walStatus === "lost"
          ? "PostgreSQL invalidated the slot (max_slot_wal_keep_size): changes since are not captured; connect again"
          : `replication slot ${s.slot} is gone: changes are not captured; connect again`,
    };
  const lag = s.lagSeconds;
  const tone: Tone =
    lag === null || lag > SLOT_LAG_BAD_SECONDS || s.walStatus === "unreserved"
      ? "bad"
      : lag > SLOT_LAG_WARN_SECONDS || s.walStatus === "extended"
        ? "warn"
        : "ok";
  const error =
    s.lastError && lag !== null && lag > SLOT_LAG_WARN_SECONDS
      ? ` · last error: ${s.lastError.message}`
      : "";
  return {
    value: lag === null ? "not started" : lag < 10 ? `${lag.toFixed(1)} s` : formatAge(lag),
    tone,
    detail: `logical decoding${s.active === false ? ", no reader on the slot" : ""} · ${wal}${sampled}${error}`,
  };
}
