"use client";

import { AppLink as Link } from "@/components/ui/AppLink";
import { usePathname, useSearchParams } from "next/navigation";
import { RANGES, RANGE_LABELS, type Range } from "@/lib/client/range";

/** Time range links; the range lives in the URL so that a view can be shared. */
export function RangePicker({
  current,
  ranges = RANGES,
}: {
  current: Range;
  /** the ranges this page offers (Trends: whole days only) */
  ranges?: readonly Range[];
}) {
  const pathname = usePathname();
  const params = useSearchParams();
  return (
    <div className="segmented" role="group" aria-label="Time range">
      {ranges.map((range) => {
        const next = new URLSearchParams(params.toString());
        next.set("range", range);
        return (
          <Link
            key={range}
            href={`${pathname}?${next.toString()}`}
            className={range === current ? "segment active" : "segment"}
            aria-current={range === current ? "page" : undefined}
            title={RANGE_LABELS[range]}
            scroll={false}
          >
            {range}
          </Link>
        );
      })}
    </div>
  );
}
