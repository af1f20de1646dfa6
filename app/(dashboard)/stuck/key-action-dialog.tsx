"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmDialog } from "@/components/ui/ConfirmDialog";
import { ReasonField } from "@/components/ui/ReasonField";
import type { KeyAction, KeyActionResult } from "@/lib/client/api-types/actions";
import type { StuckKey } from "@/lib/client/api-types/stuck";
import { formatAge } from "@/lib/client/format";
import { postKeyAction } from "@/lib/client/queries/actions";
import { adviseAction } from "@/lib/client/action-advice";

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
  /** what the action does in the store's layout (its preset's words, the contract's included) */
  explanation: string;
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
  const advice = adviseAction(target, action);
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
      <p className="muted">{explanation}</p>
      {advice.warnings.map((w) => (
        <p key={w} className="action-warning" role="note">
          {w}
        </p>
      ))}
      {advice.recommended !== action ? (
        <p className="muted" data-testid="action-recommendation">
          Recommended for this key: {advice.recommended === "fail" ? "Fail" : "Release"}.
        </p>
      ) : null}
      <p className="muted">
        If the key completes before you confirm, it is left alone and you are told so.
      </p>
      <ReasonField value={reason} onChange={setReason} autoFocus />
    </ConfirmDialog>
  );
}
