"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Banner } from "@/components/ui/Banner";
import { ConfirmDialog } from "@/components/ui/ConfirmDialog";
import { ReasonField } from "@/components/ui/ReasonField";
import { SegmentedChoice } from "@/components/ui/SegmentedChoice";
import type { BulkFilter, BulkResult, KeyAction } from "@/lib/client/api-types/actions";
import { formatAge, formatCount } from "@/lib/client/format";
import { postBulkAction } from "@/lib/client/queries/actions";

const keys = (n: number) => `${formatCount(n)} ${n === 1 ? "key" : "keys"}`;

function describe(filter: BulkFilter): string {
  const parts = [
    filter.endpoint ? `on ${filter.endpoint}` : "on every endpoint",
    filter.scope ? `of client ${filter.scope}` : null,
    filter.lockOwner ? `locked by ${filter.lockOwner}` : null,
    filter.minAgeSeconds ? `older than ${formatAge(filter.minAgeSeconds)}` : null,
  ];
  return parts.filter(Boolean).join(" ");
}

/** Release or fail every stuck key matching the page's filters: preview, then confirm. */
export function BulkActions({
  filter,
  explanations,
  onChanged,
}: {
  filter: BulkFilter;
  /** what each action does in the store's layout (its preset's words) */
  explanations: Record<KeyAction, string>;
  /** after a real run: the page reports it (this panel may vanish when no key is left) */
  onChanged: (result: BulkResult) => void;
}) {
  const [action, setAction] = useState<KeyAction>("release");
  const [reason, setReason] = useState("");
  const [preview, setPreview] = useState<BulkResult | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState("");
  const verb = action === "release" ? "Release" : "Fail";
  const body = (dryRun: boolean) => ({ action, filter, reason: reason.trim(), dryRun });

  const previewMutation = useMutation({
    mutationFn: () => postBulkAction(body(true)),
    onSuccess: (r) => setPreview(r),
  });
  const runMutation = useMutation({
    // the server changes no more than the count the operator typed, and refuses if more would
    mutationFn: () => postBulkAction({ ...body(false), confirmedCount: preview?.wouldChange ?? 0 }),
    onSuccess: (result) => {
      setConfirming(false);
      setPreview(null);
      setTyped("");
      onChanged(result);
    },
    onError: () => setConfirming(false),
  });
  const reset = () => {
    setPreview(null);
    runMutation.reset();
  };

  return (
    <section className="card bulk" aria-label="Bulk action">
      <h2>Act on every stuck key {describe(filter)}</h2>
      <div className="bulk-form">
        <SegmentedChoice
          legend="Action"
          name="bulk-action"
          options={[
            { value: "release", label: "Release" },
            { value: "fail", label: "Fail" },
          ]}
          value={action}
          onChange={(a) => {
            setAction(a);
            reset();
          }}
        />
        <p className="muted">{explanations[action]}</p>
        <ReasonField value={reason} onChange={setReason} />
        <div className="actions">
          <button
            type="button"
            disabled={reason.trim().length === 0 || previewMutation.isPending}
            onClick={() => {
              runMutation.reset();
              previewMutation.mutate();
            }}
          >
            Preview
          </button>
          {preview ? (
            <span data-testid="bulk-preview">
              {formatCount(preview.matched)} stuck{" "}
              {preview.matched === 1 ? "key matches" : "keys match"}
              {preview.matched > preview.cap
                ? `; one action changes at most ${formatCount(preview.cap)} (oldest first), run it again for the rest`
                : ""}
              .
            </span>
          ) : null}
          {preview && preview.wouldChange > 0 ? (
            <button
              type="button"
              className={`btn-${action === "fail" ? "bad" : "warn"}`}
              onClick={() => setConfirming(true)}
            >
              {verb} {keys(preview.wouldChange)}…
            </button>
          ) : null}
        </div>
      </div>
      {previewMutation.isError ? (
        <Banner tone="bad" title="Preview failed.">
          {previewMutation.error.message}
        </Banner>
      ) : null}
      {runMutation.isError ? (
        <Banner tone="bad" title={`${verb} failed: nothing was changed.`}>
          {runMutation.error.message}
        </Banner>
      ) : null}
      {confirming && preview ? (
        <ConfirmDialog
          title={`${verb} ${formatCount(preview.wouldChange)} stuck ${preview.wouldChange === 1 ? "key" : "keys"}?`}
          confirmLabel={`${verb} ${keys(preview.wouldChange)}`}
          tone={action === "fail" ? "bad" : "warn"}
          confirmDisabled={typed.trim() !== String(preview.wouldChange)}
          busy={runMutation.isPending}
          onConfirm={() => runMutation.mutate()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Every key stuck {describe(filter)} at the moment you confirm, oldest first, at most{" "}
            {formatCount(preview.cap)}. Keys that complete meanwhile or that a writer holds are left
            alone. Each change is written to the audit log with your reason:
          </p>
          <blockquote className="reason-quote">{reason.trim()}</blockquote>
          <label className="reason-field">
            Type {preview.wouldChange} to confirm
            <input
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              inputMode="numeric"
              autoFocus
              aria-label="Number of keys to confirm"
            />
          </label>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
