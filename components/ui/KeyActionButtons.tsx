import type { KeyAction } from "@/lib/client/api-types/actions";
import type { ViewerInfo } from "@/lib/client/api-types/viewer";

/**
 * Release and Fail for one key; disabled, with the reason as a tooltip, for whoever may not act
 * and where the store's layout has no safe one; otherwise the tooltip says what it does there.
 */
export function KeyActionButtons({
  viewer,
  onPick,
  ellipsis = false,
}: {
  viewer: Pick<ViewerInfo, "canWrite" | "reason" | "layoutActions">;
  onPick: (action: KeyAction) => void;
  ellipsis?: boolean;
}) {
  return (
    <>
      {(["release", "fail"] as const).map((action) => {
        const layout = viewer.layoutActions[action];
        const enabled = viewer.canWrite && layout.available;
        const title = !viewer.canWrite ? viewer.reason : layout.text;
        return (
          <button
            key={action}
            type="button"
            disabled={!enabled}
            title={title ?? undefined}
            onClick={() => onPick(action)}
          >
            {action === "release" ? "Release" : "Fail"}
            {ellipsis ? "…" : ""}
          </button>
        );
      })}
    </>
  );
}
