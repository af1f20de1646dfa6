"use client";

import { useRouter } from "next/navigation";

type ChartState = { activeLabel?: string | number } | null | undefined;

/** Where a chart's category (a time bucket's ISO start, a day) leads, if anywhere. */
export type BarHref = (category: string) => string | undefined;

/**
 * Props for a recharts chart whose every category leads somewhere: a click anywhere in a
 * category's column (thin bars are hard to hit) opens `hrefOf` of the column the tooltip shows. On
 * a phone the first tap shows the tooltip, the second opens it. Keyboard users reach the same
 * lists from the tiles and tables beside each chart.
 */
export function useBarLinks(hrefOf: BarHref | undefined) {
  const router = useRouter();
  if (!hrefOf) return {};
  const open = (category: unknown) => {
    if (category === undefined || category === null) return;
    const href = hrefOf(String(category));
    if (href) router.push(href);
  };
  return {
    // the state is the tooltip's: a click before any hover (or a phone's first tap) has none yet
    onClick: (state: ChartState) => open(state?.activeLabel),
    style: { cursor: "pointer" },
  };
}
