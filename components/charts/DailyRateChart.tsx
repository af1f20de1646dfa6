"use client";

import {
  Bar,
  CartesianGrid,
  Cell,
  ComposedChart,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { TrendDay } from "@/lib/client/api-types/trends";
import { formatCount, formatPercent } from "@/lib/client/format";
import { AXIS_COLOR, GRID_COLOR } from "./palette";
import { formatDayTick } from "./time-format";
import { useAnnotationLines } from "./annotation-markers";
import { useBarLinks, type BarHref } from "./bar-links";

const OK = "#16a34a";
const BAD = "#dc2626";
const IMPORTED = "#94a3b8";

/** Daily duplicate success rate against its target line; days over target in red. */
export function DailyRateChart({
  days,
  target,
  hrefOf,
}: {
  days: TrendDay[];
  target: number;
  /** where a day's column leads */
  hrefOf?: BarHref;
}) {
  const links = useBarLinks(hrefOf);
  const annotations = useAnnotationLines(
    days.map((d) => d.day),
    86_400_000,
  );
  const data = days.map((d) => ({
    ...d,
    ratePct: d.duplicateSuccessRate === null ? null : d.duplicateSuccessRate * 100,
  }));
  // days before capture began: imported rows say nothing of duplicates, so no bar, and say so
  const imported = days.filter((d) => d.imported !== null);
  return (
    <div
      className="chart"
      role="figure"
      aria-label="Daily duplicate success rate, percent of succeeded intents, with the 0.1 % target"
    >
      <ResponsiveContainer width="100%" height={280}>
        {/* room on the right for the target's label, beside the plot rather than on a bar */}
        <ComposedChart
          data={data}
          margin={{ top: 12, right: 84, bottom: 4, left: 8 }}
          {...links.chart}
        >
          <CartesianGrid stroke={GRID_COLOR} vertical={false} />
          {links.probe}
          <XAxis
            dataKey="day"
            tickFormatter={formatDayTick}
            stroke={AXIS_COLOR}
            fontSize={12}
            minTickGap={16}
          />
          <YAxis
            stroke={AXIS_COLOR}
            fontSize={12}
            tickFormatter={(v: number) => `${Number(v.toFixed(3))} %`}
            domain={[0, (max: number) => Math.ceil(Math.max(max, target * 100 * 1.5) * 20) / 20]}
            label={{
              value: "duplicate success rate (%)",
              angle: -90,
              position: "insideLeft",
              fill: AXIS_COLOR,
              fontSize: 12,
              dy: 80,
            }}
          />
          <Tooltip
            labelFormatter={(v) => formatDayTick(String(v))}
            formatter={(_value, _name, item) => {
              const d = item.payload as TrendDay;
              return [
                `${formatPercent(d.duplicateSuccessRate)} (${formatCount(d.duplicateSuccesses)} of ${formatCount(d.succeededIntents)})`,
                "duplicate success rate",
              ];
            }}
          />

          <Bar dataKey="ratePct" name="duplicate success rate" isAnimationActive={false}>
            {data.map((d) => (
              <Cell
                key={d.day}
                fill={(d.duplicateSuccessRate ?? 0) > target ? BAD : OK}
                // today, not over yet: paler, and not judged by the verdict
                fillOpacity={d.partial ? 0.4 : 1}
              />
            ))}
          </Bar>
          <ReferenceLine
            y={target * 100}
            stroke={AXIS_COLOR}
            strokeDasharray="6 4"
            label={{
              value: `target ${formatPercent(target)}`,
              position: "right",
              fill: AXIS_COLOR,
              fontSize: 12,
            }}
          />
          {imported.length > 0 ? (
            <ReferenceArea
              x1={imported[0]!.day}
              x2={imported.at(-1)!.day}
              fill={IMPORTED}
              fillOpacity={0.15}
              ifOverflow="extendDomain"
              label={{
                value: "imported: no duplicates recorded",
                position: "insideTopLeft",
                fill: AXIS_COLOR,
                fontSize: 12,
              }}
            />
          ) : null}
          {annotations}
        </ComposedChart>
      </ResponsiveContainer>
      <p className="chart-legend" aria-hidden>
        <span style={{ color: OK }}>■</span> within target <span style={{ color: BAD }}>■</span>{" "}
        over target <span className="dash">╌╌</span> target {formatPercent(target)} (days without
        successes have no bar; today&apos;s, paler, is not over yet)
        {imported.length > 0 ? (
          <>
            {" "}
            <span style={{ color: IMPORTED }}>■</span> before capture began: first requests and
            outcomes imported from the table&apos;s rows; duplicates were not recorded
          </>
        ) : null}
      </p>
    </div>
  );
}
