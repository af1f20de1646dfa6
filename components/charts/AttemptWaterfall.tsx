"use client";

import { formatAge } from "@/lib/client/format";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { AXIS_COLOR, GRID_COLOR, OUTCOME_COLORS } from "./palette";

export type WaterfallRow = {
  label: string;
  /** seconds after the first event */
  offset: number;
  /** seconds the execution (or answer) took; an unfinished execution runs to "now" */
  duration: number;
  kind: "claimed" | "reclaimed" | "replayed";
  finished: boolean;
};

/**
 * 0.032 → "32 ms", 1.5 → "1.5 s", 75 → "75 s", 12000 → "3 h 20 min": a key answered within a
 * second still reads, and one retried over hours reads in hours.
 */
function secondsTick(v: number): string {
  if (v > 0 && v < 1) return `${Math.round(v * 1000)} ms`;
  if (v >= 120) return formatAge(v);
  return `${v < 10 ? Number(v.toFixed(1)) : Math.round(v)} s`;
}

/** The executions and answers of one key on a shared time axis. */
export function AttemptWaterfall({ rows }: { rows: WaterfallRow[] }) {
  const height = 24 + rows.length * 30;
  return (
    <div
      className="chart"
      style={{ minHeight: height }}
      role="img"
      aria-label="Attempts waterfall, seconds after the first request"
    >
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
          <CartesianGrid stroke={GRID_COLOR} horizontal={false} />
          <XAxis type="number" stroke={AXIS_COLOR} fontSize={12} tickFormatter={secondsTick} />
          <YAxis type="category" dataKey="label" width={190} stroke={AXIS_COLOR} fontSize={12} />
          <Tooltip
            formatter={(value, name, item) =>
              name === "offset"
                ? [null, null]
                : [
                    `${Number(value).toFixed(3)} s${(item.payload as WaterfallRow).finished ? "" : " (still running)"}`,
                    "duration",
                  ]
            }
          />
          <Bar dataKey="offset" stackId="w" fill="transparent" isAnimationActive={false} />
          <Bar
            dataKey="duration"
            stackId="w"
            isAnimationActive={false}
            shape={(props: {
              x?: number;
              y?: number;
              width?: number;
              height?: number;
              payload?: WaterfallRow;
            }) => (
              <rect
                x={props.x}
                y={props.y}
                width={Math.max(2, props.width ?? 0)}
                height={props.height}
                rx={2}
                fill={OUTCOME_COLORS[props.payload?.kind ?? "claimed"]}
                fillOpacity={props.payload?.finished ? 1 : 0.45}
              />
            )}
          />
        </BarChart>
      </ResponsiveContainer>
      {/* under the chart, not on its axis: a phone's narrow plot cut the axis label short */}
      <p className="muted chart-caption">Time after the first request; each bar one attempt.</p>
    </div>
  );
}
