"use client";

import { Line, LineChart, YAxis } from "recharts";
import { formatRate } from "@/lib/client/format";

/** A tiny trend line in a table cell; the label says what it shows, for screen readers too. */
export function Sparkline({
  values,
  label,
  color = "#2563eb",
  width = 120,
  height = 28,
}: {
  values: (number | null)[];
  label: string;
  color?: string;
  width?: number;
  height?: number;
}) {
  const present = values.filter((v): v is number => v !== null);
  const data = values.map((v, i) => ({ i, v }));
  const summary = present.length
    ? `${label}: from ${formatRate(Math.min(...present))} to ${formatRate(Math.max(...present))}`
    : `${label}: no data`;
  return (
    <span className="sparkline" role="img" aria-label={summary} title={summary}>
      {present.length ? (
        <LineChart
          width={width}
          height={height}
          data={data}
          margin={{ top: 3, right: 2, bottom: 3, left: 2 }}
        >
          <YAxis hide domain={[1, (max: number) => Math.max(max, 2)]} />
          <Line
            dataKey="v"
            stroke={color}
            strokeWidth={1.5}
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
        </LineChart>
      ) : (
        <span className="muted">–</span>
      )}
    </span>
  );
}
