import type { KeyAction } from "@/lib/api-types/actions";

/** Release and Fail for one key; disabled, with the reason as a tooltip, for whoever may not act. */
export function KeyActionButtons({
  canWrite,
  reason,
  onPick,
  ellipsis = false,
}: {
  canWrite: boolean;
  reason: string | null;
  onPick: (action: KeyAction) => void;
  ellipsis?: boolean;
}) {
  return (
    <>
      {(["release", "fail"] as const).map((action) => (
        <button
          key={action}
          type="button"
          disabled={!canWrite}
          title={canWrite ? undefined : (reason ?? undefined)}
          onClick={() => onPick(action)}
        >
          {action === "release" ? "Release" : "Fail"}
          {ellipsis ? "…" : ""}
        </button>
      ))}
    </>
  );
}
