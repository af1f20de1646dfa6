"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, type MouseEvent, type RefObject } from "react";
import { useXAxisInverseScale } from "recharts";

/** Where a chart's category (a time bucket's ISO start, a day) leads, if anywhere. */
export type BarHref = (category: string) => string | undefined;
type Inverse = ((pixel: number) => unknown) | undefined;

// Inside the chart: hands the x axis' pixel → category function to the click handler. The
// tooltip's state a click receives can still be the previous column's (it follows the pointer a
// frame late, and a tap moves no pointer at all); the axis' own scale is exact at the click.
function XAxisProbe({ intoRef }: { intoRef: RefObject<Inverse> }) {
  const inverse = useXAxisInverseScale();
  useEffect(() => {
    intoRef.current = inverse;
  }, [intoRef, inverse]);
  return null;
}

/**
 * A chart whose every category leads somewhere: `chart` goes on the recharts chart, `probe` inside
 * it. A click anywhere in a category's column (thin bars are hard to hit) opens `hrefOf` of it; on
 * a touch screen the first tap on a column shows its tooltip and a second tap on the same column
 * opens it. Keyboard users reach the same lists from the tiles and tables beside each chart.
 */
export function useBarLinks(hrefOf: BarHref | undefined) {
  const router = useRouter();
  const inverse = useRef<Inverse>(undefined);
  const tapped = useRef<string | null>(null);
  if (!hrefOf) return { chart: {}, probe: null };
  const onClick = (state: unknown, event: MouseEvent<SVGGraphicsElement>) => {
    const surface = (event.currentTarget as Element).querySelector(":scope > svg");
    const x = surface ? event.clientX - surface.getBoundingClientRect().left : null;
    const exact = x !== null ? inverse.current?.(x) : undefined;
    const category = exact ?? (state as { activeLabel?: unknown } | null)?.activeLabel;
    if (category === undefined || category === null) return;
    const column = String(category);
    const touch = (event.nativeEvent as PointerEvent).pointerType === "touch";
    if (touch && tapped.current !== column) {
      tapped.current = column; // shown: the next tap on it opens it
      return;
    }
    const href = hrefOf(column);
    if (href) router.push(href);
  };
  return {
    chart: { onClick, style: { cursor: "pointer" } },
    probe: <XAxisProbe intoRef={inverse} />,
  };
}
