"use client";

import { useRouter } from "next/navigation";
import { useRef } from "react";

type ChartState = { activeLabel?: string | number } | null | undefined;

/** Where a chart's category (a time bucket's ISO start, a day) leads, if anywhere. */
export type BarHref = (category: string) => string | undefined;

/**
 * Props for a recharts chart whose every category leads somewhere, and for its bars. A click
 * anywhere in a category's column opens `hrefOf` of it (thin bars are hard to hit), as the tooltip
 * has found the column; a tap on a phone shows no tooltip first, so the bar itself opens it too.
 * Keyboard users reach the same lists from the tiles and tables beside each chart.
 */
export function useBarLinks(hrefOf: BarHref | undefined, xKey = "t") {
  const router = useRouter();
  const last = useRef({ href: "", at: 0 });
  // the column under the pointer, as the tooltip found it: a click on its own (a tap's emulated
  // click) reaches onClick before the tooltip has moved, so onClick alone would not know it
  const pointed = useRef<string | number | undefined>(undefined);
  if (!hrefOf) return { chart: {}, bar: {} };
  // a click on a bar reaches both handlers: open once
  const open = (category: unknown) => {
    if (category === undefined || category === null) return;
    const href = hrefOf(String(category));
    if (!href || (last.current.href === href && Date.now() - last.current.at < 1000)) return;
    last.current = { href, at: Date.now() };
    router.push(href);
  };
  return {
    chart: {
      onMouseMove: (state: ChartState) => {
        pointed.current = state?.activeLabel;
      },
      onClick: (state: ChartState) => open(state?.activeLabel ?? pointed.current),
      style: { cursor: "pointer" },
    },
    bar: {
      onClick: (entry: { payload?: Record<string, unknown> }) => open(entry.payload?.[xKey]),
    },
  };
}
