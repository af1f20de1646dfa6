"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatCount } from "@/lib/client/format";
import { countAxis, timeAxis } from "./axes";
import { AXIS_COLOR, GRID_COLOR } from "./palette";

const OVER_TARGET = "#dc2626";
import { useAnnotationLines } from "./annotation-markers";
import { useBarLinks, type BarHref } from "./bar-links";

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
  target,
  hrefOf,
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
  /** a ceiling the counts should stay under: drawn as a line, bars above it in red (one series) */
  target?: { max: number; label: string };
  /** where a category's column leads */
  hrefOf?: BarHref;
}) {
  const links = useBarLinks(hrefOf);
  const lines = useAnnotationLines(
    bucketMs ? data.map((d) => String((d as Record<string, unknown>)[xKey])) : [],
    bucketMs ?? 0,
  );
  return (
    <div className="chart" style={{ minHeight: 240 }} role="figure" aria-label={label}>
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 8 }} {...links.chart}>
          <CartesianGrid stroke={GRID_COLOR} vertical={false} />
          {links.probe}
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
            >
              {target && series.length === 1
                ? data.map((d, i) => (
                    <Cell
                      key={i}
                      fill={
                        Number((d as Record<string, unknown>)[s.key] ?? 0) > target.max
                          ? OVER_TARGET
                          : s.color
                      }
                    />
                  ))
                : null}
            </Bar>
          ))}
          {target ? (
            <ReferenceLine
              y={target.max}
              stroke={AXIS_COLOR}
              strokeDasharray="6 4"
              ifOverflow="extendDomain"
              label={{
                value: target.label,
                position: "insideTopLeft",
                fill: AXIS_COLOR,
                fontSize: 12,
              }}
            />
          ) : null}
          {lines}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
