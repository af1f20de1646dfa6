"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { ReferenceLine, usePlotArea } from "recharts";
import type { Annotation } from "@/lib/client/api-types/annotations";
import { annotationsQuery } from "@/lib/client/queries/annotations";

export const ANNOTATION_COLOR = "#7c3aed";

/** A bucket's marker; `first` is the oldest annotation in it, whose before/after it opens. */
type Marker = { x: string; label: string; title: string; first: Annotation };

/**
 * Annotations on a chart whose x axis is a category per time bucket (ISO time or day): each at
 * the bucket that holds it, several in one bucket as one marker.
 */
export function markersOn(
  categories: string[],
  bucketMs: number,
  annotations: Annotation[],
): Marker[] {
  const starts = categories.map((c) => Date.parse(c));
  const byBucket = new Map<string, Annotation[]>();
  for (const a of annotations) {
    const at = Date.parse(a.at);
    // the last bucket starting at or before it, if the annotation falls inside it
    let i = starts.length - 1;
    while (i >= 0 && (starts[i] as number) > at) i--;
    if (i < 0 || at >= (starts[i] as number) + bucketMs) continue;
    const x = categories[i] as string;
    byBucket.set(x, [...(byBucket.get(x) ?? []), a]);
  }
  return [...byBucket].map(([x, list]) => {
    const inOrder = [...list].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    return {
      x,
      label: bucketLabel(inOrder.map(shortLabel)),
      title: inOrder.map((a) => `${a.at} ${a.text}`).join("\n"),
      first: inOrder[0] as Annotation,
    };
  });
}

const MAX_LABEL = 28;

// several in one bucket name themselves while they fit ("v141 · v140": a deploy and its
// rollback), else the first and how many more
function bucketLabel(labels: string[]): string {
  const all = labels.join(" · ");
  return all.length <= MAX_LABEL || labels.length === 1
    ? all
    : `${labels[0]} +${labels.length - 1} more`;
}

const shortLabel = (a: Annotation) => {
  const s = a.version ?? a.text;
  return s.length > 24 ? `${s.slice(0, 23).trimEnd()}…` : s;
};

/** The page's annotations as reference lines for a chart's categories (render inside it). */
export function useAnnotationLines(
  categories: string[],
  bucketMs: number,
  /** the chart's y axis to draw against, where it has several */
  yAxisId?: string,
) {
  const { data } = useQuery(annotationsQuery());
  const router = useRouter();
  if (!data?.items.length) return null;
  // neighbouring labels on three staggered rows: side by side they overprinted each other
  return markersOn(categories, bucketMs, data.items).map((m, i) => (
    <ReferenceLine
      key={`annotation-${m.x}`}
      x={m.x}
      {...(yAxisId ? { yAxisId } : {})}
      stroke={ANNOTATION_COLOR}
      strokeDasharray="4 3"
      label={(props: { viewBox?: { x?: number; y?: number } }) => (
        <MarkerLabel
          x={(props.viewBox?.x ?? 0) + 4}
          y={(props.viewBox?.y ?? 0) + 12 + (i % 3) * 14}
          marker={m}
          open={() => router.push(annotationUrl(m.first, Date.now()))}
        />
      )}
    />
  ));
}

/**
 * Trends with this annotation's before/after open: the shortest range that still shows it.
 * A marker is on charts of at most 90 days, so the longest range always holds it.
 */
export function annotationUrl(a: Annotation, now: number): string {
  const days = (now - Date.parse(a.at)) / 86_400_000;
  const range = days < 6 ? "7d" : days < 29 ? "30d" : "90d";
  return `/trends?range=${range}&annotation=${encodeURIComponent(a.id)}#annotations`;
}

// a link in the chart's SVG: focusable, Enter opens it as a click does
function MarkerLabel(props: { x: number; y: number; marker: Marker; open: () => void }) {
  // a marker in the plot's right part reads leftwards from its line: rightwards it ran off the
  // chart (or over the right axis) on a phone
  const plot = usePlotArea();
  const leftwards = plot !== undefined && props.x > plot.x + plot.width * 0.6;
  return (
    <g
      role="link"
      tabIndex={0}
      aria-label={`${props.marker.label}: before and after, on Trends`}
      className="annotation-link"
      onClick={(e) => {
        e.stopPropagation(); // not the bar's click beneath it
        props.open();
      }}
      onKeyDown={(e) => {
        if (e.key === "Enter") props.open();
      }}
    >
      <title>{`${props.marker.title}\n(open its before / after on Trends)`}</title>
      <text
        x={leftwards ? props.x - 8 : props.x}
        y={props.y}
        fill={ANNOTATION_COLOR}
        fontSize={11}
        textAnchor={leftwards ? "end" : "start"}
      >
        {leftwards ? `${props.marker.label} ▼` : `▼ ${props.marker.label}`}
      </text>
    </g>
  );
}
