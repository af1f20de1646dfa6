"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatCount } from "@/lib/client/format";
import { countAxis, timeAxis } from "./axes";
import { GRID_COLOR } from "./palette";
import { useAnnotationLines } from "./annotation-markers";

export type CountSeries = { key: string; name: string; color: string };

/** Counts per category (day or month), one or more stacked series, with a unit on the axis. */
export function DailyCountChart({
  data,
  xKey,
  series,
  unit,
  tick,
  label,
  stacked = true,
  bucketMs,
}: {
  data: object[];
  xKey: string;
  series: CountSeries[];
  unit: string;
  tick: (v: string) => string;
  label: string;
  /** false: bars side by side (quantities that don't add up, e.g. created vs purged) */
  stacked?: boolean;
  /** each category's span (ms), to place annotations on it; none: no annotations (months) */
  bucketMs?: number;
}) {
  const lines = useAnnotationLines(
    bucketMs ? data.map((d) => String((d as Record<string, unknown>)[xKey])) : [],
    bucketMs ?? 0,
  );
  return (
    <div className="chart" style={{ minHeight: 240 }} role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
          <CartesianGrid stroke={GRID_COLOR} vertical={false} />
          <XAxis {...timeAxis(xKey, tick, 16)} />
          <YAxis {...countAxis(unit)} />
          <Tooltip
            labelFormatter={(v) => tick(String(v))}
            formatter={(v, n) => [formatCount(Number(v)), String(n)]}
          />
          {series.length > 1 ? <Legend wrapperStyle={{ fontSize: 12 }} /> : null}
          {series.map((s) => (
            <Bar
              key={s.key}
              dataKey={s.key}
              name={s.name}
              stackId={stacked ? "c" : undefined}
              fill={s.color}
              isAnimationActive={false}
            />
          ))}
          {lines}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
