"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmDialog } from "@/components/ui/ConfirmDialog";
import { ReasonField } from "@/components/ui/ReasonField";
import type { KeyAction, KeyActionResult } from "@/lib/client/api-types/actions";
import type { StuckKey } from "@/lib/client/api-types/stuck";
import { formatAge } from "@/lib/client/format";
import { postKeyAction } from "@/lib/client/queries/actions";

export const ACTION_EXPLAINED: Record<KeyAction, string> = {
  release:
    "Release unlocks the key: the client's next retry runs the work again (from its recovery point). Use it when the work did not happen or is safe to repeat.",
  fail: "Fail stores a terminal error: every retry with this key gets a definitive 500 answer and the work never runs again. Use it when the work must not be repeated.",
};

export type ActionOutcome =
  | { ok: true; action: KeyAction; key: StuckKey; result: KeyActionResult }
  | { ok: false; action: KeyAction; key: StuckKey; message: string; status: number };

export function KeyActionDialog({
  target,
  action,
  explanation,
  onDone,
  onCancel,
}: {
  target: StuckKey;
  action: KeyAction;
  /** what the action does in the connected store's layout, when not the contract */
  explanation?: string;
  onDone: (outcome: ActionOutcome) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState("");
  const mutation = useMutation({
    mutationFn: () => postKeyAction(target.id, action, reason.trim()),
    onSuccess: (result) => onDone({ ok: true, action, key: target, result }),
    onError: (err: Error & { status?: number }) =>
      onDone({ ok: false, action, key: target, message: err.message, status: err.status ?? 0 }),
  });
  const verb = action === "release" ? "Release" : "Fail";
  return (
    <ConfirmDialog
      title={`${verb} this key?`}
      confirmLabel={`${verb} key`}
      tone={action === "fail" ? "bad" : "warn"}
      confirmDisabled={reason.trim().length === 0}
      busy={mutation.isPending}
      onConfirm={() => mutation.mutate()}
      onCancel={onCancel}
    >
      <dl className="facts">
        <dt>Key</dt>
        <dd className="mono">{target.key}</dd>
        <dt>Endpoint</dt>
        <dd className="mono">{target.endpoint}</dd>
        <dt>Client</dt>
        <dd>{target.scope}</dd>
        <dt>Stuck for</dt>
        <dd>
          {formatAge(target.ageSeconds)} (lock owner {target.lockOwner ?? "none: orphaned"},
          recovery point {target.recoveryPoint ?? "–"})
        </dd>
      </dl>
      <p className="muted">{explanation ?? ACTION_EXPLAINED[action]}</p>
      <p className="muted">
        If the key completes before you confirm, it is left alone and you are told so.
      </p>
      <ReasonField value={reason} onChange={setReason} autoFocus />
    </ConfirmDialog>
  );
}
