"use client";

import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { ClientSeriesPoint } from "@/lib/client/api-types/clients";
import { formatCount } from "@/lib/client/format";
import { countAxis, timeAxis } from "./axes";
import { AXIS_COLOR, GRID_COLOR, OUTCOME_COLORS } from "./palette";
import { bucketName, formatBucketLabel, formatBucketTick } from "./time-format";
import { useTimeZone } from "@/components/ui/TimeZone";
import { useAnnotationLines } from "./annotation-markers";
import { useBarLinks, type BarHref } from "./bar-links";

const RATE_COLOR = "#dc2626";

/** One client's requests per bucket (bars) and retries per key (line) against its baseline. */
export function ClientHistoryChart({
  series,
  bucketSeconds,
  baseline,
  hrefOf,
}: {
  series: ClientSeriesPoint[];
  bucketSeconds: number;
  baseline: number | null;
  /** where a bucket's column leads (the client's keys then) */
  hrefOf?: BarHref;
}) {
  const links = useBarLinks(hrefOf);
  const { zone } = useTimeZone();
  const per = bucketName(bucketSeconds);
  const tick = (v: string) => formatBucketTick(v, bucketSeconds, zone);
  const annotations = useAnnotationLines(
    series.map((p) => p.t),
    bucketSeconds * 1000,
    "n",
  );
  return (
    <div
      className="chart"
      role="figure"
      aria-label={`Requests per ${per} and retries per key${baseline ? `, with the 7-day baseline of ${baseline.toFixed(2)}` : ""}`}
    >
      <ResponsiveContainer width="100%" height={280}>
        <ComposedChart
          data={series}
          margin={{ top: 12, right: 16, bottom: 4, left: 8 }}
          {...links.chart}
        >
          <CartesianGrid stroke={GRID_COLOR} vertical={false} />
          {links.probe}
          <XAxis {...timeAxis("t", tick)} />
          <YAxis yAxisId="n" {...countAxis(`requests per ${per}`, 60)} />
          <YAxis
            yAxisId="rate"
            orientation="right"
            stroke={RATE_COLOR}
            fontSize={12}
            domain={[1, (max: number) => Math.ceil(Math.max(max, (baseline ?? 1) * 1.5, 2))]}
            tickFormatter={(v: number) => v.toFixed(1)}
            label={{
              value: "requests per key",
              angle: 90,
              position: "insideRight",
              fill: RATE_COLOR,
              fontSize: 12,
            }}
          />
          <Tooltip
            labelFormatter={(v) => formatBucketLabel(String(v), bucketSeconds, zone)}
            formatter={(v, name) => [
              name === "Retries per key"
                ? v === null || v === undefined
                  ? "–"
                  : Number(v).toFixed(2)
                : formatCount(Number(v)),
              String(name),
            ]}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar
            yAxisId="n"
            dataKey="requests"
            name="Requests"
            fill={OUTCOME_COLORS.claimed}
            fillOpacity={0.35}
            isAnimationActive={false}
          />
          <Line
            yAxisId="rate"
            dataKey="retriesPerKey"
            name="Retries per key"
            stroke={RATE_COLOR}
            strokeWidth={2}
            dot={series.length < 40}
            connectNulls
            isAnimationActive={false}
          />
          {baseline ? (
            <ReferenceLine
              yAxisId="rate"
              y={baseline}
              stroke={AXIS_COLOR}
              strokeDasharray="6 4"
              label={{
                value: `7-day baseline ${baseline.toFixed(2)}`,
                position: "insideTopLeft",
                fill: AXIS_COLOR,
                fontSize: 12,
              }}
            />
          ) : null}
          {annotations}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
