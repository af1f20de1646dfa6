"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Banner } from "@/components/ui/Banner";
import { ConfirmDialog } from "@/components/ui/ConfirmDialog";
import { ReasonField } from "@/components/ui/ReasonField";
import type { ViewerInfo } from "@/lib/client/api-types/viewer";
import { postReveal } from "@/lib/client/queries/keys";

/** The stored response stays hidden until an operator asks, with a reason, and is audited. */
export function RevealResponse({
  keyId,
  viewer,
  onRevealed,
}: {
  keyId: string;
  viewer: ViewerInfo;
  onRevealed: () => void;
}) {
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState("");
  const reveal = useMutation({
    mutationFn: () => postReveal(keyId, reason.trim()),
    onSuccess: () => {
      setAsking(false);
      onRevealed();
    },
  });
  if (reveal.data) {
    return (
      <pre className="response-body" data-testid="revealed-body">
        {JSON.stringify(reveal.data.body, null, 2)}
      </pre>
    );
  }
  return (
    <>
      <button
        type="button"
        disabled={!viewer.canWrite}
        title={viewer.canWrite ? undefined : (viewer.reason ?? undefined)}
        onClick={() => setAsking(true)}
      >
        Reveal response…
      </button>
      {!viewer.canWrite ? <span className="muted"> {viewer.reason}</span> : null}
      {reveal.isError ? (
        <Banner tone="bad" title="Not revealed.">
          {reveal.error.message}
        </Banner>
      ) : null}
      {asking ? (
        <ConfirmDialog
          title="Reveal the stored response?"
          confirmLabel="Reveal"
          tone="warn"
          confirmDisabled={reason.trim().length === 0}
          busy={reveal.isPending}
          onConfirm={() => reveal.mutate()}
          onCancel={() => setAsking(false)}
        >
          <p className="muted">
            Stored responses can hold customer data. Revealing this one is recorded in the audit log
            under your name, with your reason.
          </p>
          <ReasonField
            value={reason}
            onChange={setReason}
            autoFocus
            example="INC-2291: checking which amount the customer was charged"
          />
        </ConfirmDialog>
      ) : null}
    </>
  );
}
