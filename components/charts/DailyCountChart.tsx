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
import { formatCount } from "@/lib/format";
import { countAxis, timeAxis } from "./axes";
import { GRID_COLOR } from "./palette";

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
}: {
  data: object[];
  xKey: string;
  series: CountSeries[];
  unit: string;
  tick: (v: string) => string;
  label: string;
  /** false: bars side by side (quantities that don't add up, e.g. created vs purged) */
  stacked?: boolean;
}) {
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
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
