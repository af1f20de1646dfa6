"use client";

import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { ComparisonTable } from "@/components/tables/ComparisonTable";
import { Banner } from "@/components/ui/Banner";
import { SegmentedChoice } from "@/components/ui/SegmentedChoice";
import { useClock } from "@/components/ui/use-clock";
import type { Annotation } from "@/lib/client/api-types/annotations";
import { annotationsQuery, comparisonQuery } from "@/lib/client/queries/annotations";
import { Instant } from "@/components/ui/TimeZone";

const WINDOWS = [
  { value: "15m", label: "15 min" },
  { value: "1h", label: "1 h" },
  { value: "6h", label: "6 h" },
  { value: "24h", label: "24 h" },
] as const;
type Window = (typeof WINDOWS)[number]["value"];

/** Deploys and other annotations in the range, each with "did it make things worse?". */
export function AnnotationsCard({ days }: { days: number }) {
  const list = useQuery(annotationsQuery());
  // a chart's ▼ marker leads here with ?annotation=ID: that row's before/after, in view
  const asked = useSearchParams().get("annotation");
  const [open, setOpen] = useState<string | null>(asked);
  // another marker clicked while on Trends: its row opens instead
  const [openedFor, setOpenedFor] = useState(asked);
  if (asked !== openedFor) {
    setOpenedFor(asked);
    setOpen(asked);
  }
  const loaded = list.data !== undefined;
  useEffect(() => {
    if (asked && loaded)
      document.getElementById(`annotation-${asked}`)?.scrollIntoView({ block: "center" });
  }, [asked, loaded]);
  const [span, setSpan] = useState<Window>("1h");
  const now = useClock();
  const since = now === null ? 0 : now - days * 86_400_000;
  const items = (list.data?.items ?? []).filter((a) => Date.parse(a.at) >= since);
  return (
    <section className="card" aria-label="Deploys and annotations" id="annotations">
      <div className="card-header">
        <h2>Deploys and annotations</h2>
        <span className="muted">sent with POST /api/v1/annotations, e.g. by CI after a deploy</span>
      </div>
      {list.isError ? (
        <Banner tone="warn" title="Annotations could not be loaded.">
          {list.error.message}
        </Banner>
      ) : items.length === 0 ? (
        <p className="empty-state">
          No annotations in this range. CI can send one per deploy (docs/operations.md,
          “Annotations”); they appear as ▼ markers on every time chart.
        </p>
      ) : (
        <table className="table" aria-label="Annotations">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Version</th>
              <th scope="col">Endpoint</th>
              <th scope="col">By</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <AnnotationRow
                key={a.id}
                a={a}
                open={open === a.id}
                onToggle={() => setOpen(open === a.id ? null : a.id)}
                window={span}
                onWindow={setSpan}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function AnnotationRow(props: {
  a: Annotation;
  open: boolean;
  onToggle: () => void;
  window: Window;
  onWindow: (w: Window) => void;
}) {
  const { a } = props;
  return (
    <>
      <tr id={`annotation-${a.id}`} className={props.open ? "row-selected" : undefined}>
        <td>
          <Instant iso={a.at} year noSeconds />
        </td>
        <td>{a.text}</td>
        <td className="mono">{a.version ?? "–"}</td>
        <td className="mono">{a.endpoint ?? "all"}</td>
        <td>{a.actor}</td>
        <td>
          <button type="button" onClick={props.onToggle} aria-expanded={props.open}>
            {props.open ? "Hide" : "Before / after"}
          </button>
        </td>
      </tr>
      {props.open ? (
        <tr>
          <td colSpan={6}>
            <Comparison id={a.id} window={props.window} onWindow={props.onWindow} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function Comparison({
  id,
  window,
  onWindow,
}: {
  id: string;
  window: Window;
  onWindow: (w: Window) => void;
}) {
  const q = useQuery(comparisonQuery(id, window));
  return (
    <div className="comparison">
      <SegmentedChoice
        legend="Window on each side"
        name={`window-${id}`}
        options={WINDOWS}
        value={window}
        onChange={onWindow}
      />
      {q.data ? (
        <>
          <ComparisonTable c={q.data} />
          <p className={q.data.worse.length ? "" : "muted"} data-testid="comparison-verdict">
            {q.data.worse.length
              ? `Worse after this change: ${q.data.worse.length} of 4 numbers (rule: docs/operations.md).`
              : "Nothing got worse after this change over these windows."}
          </p>
        </>
      ) : q.isError ? (
        <Banner tone="warn" title="The comparison could not be loaded.">
          {q.error.message}
        </Banner>
      ) : (
        <p className="muted">Comparing…</p>
      )}
    </div>
  );
}
