"use client";

import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { StoreTable } from "@/lib/client/api-types/store";
import { formatBytes, formatCount } from "@/lib/client/format";
import { countAxis, timeAxis } from "./axes";
import { AXIS_COLOR, GRID_COLOR } from "./palette";
import { formatBucketLabel, formatBucketTick } from "./time-format";
import { useTimeZone } from "@/components/ui/TimeZone";
import { useAnnotationLines } from "./annotation-markers";

const TABLE_COLORS = ["#2563eb", "#9333ea", "#0d9488", "#d97706"];

/** Rounds up to 1, 2 or 5 × a power of ten of a binary unit (459 MiB → 500 MiB). */
function niceBytes(n: number): number {
  if (n <= 0) return 1024;
  const unit = 1024 ** Math.min(4, Math.floor(Math.log(n) / Math.log(1024)));
  const v = n / unit;
  const p = 10 ** Math.floor(Math.log10(v));
  const step = [1, 2, 5, 10].find((m) => m * p >= v) ?? 10;
  return step * p * unit;
}

/** Five evenly spaced ticks from 0 to a nice maximum. */
function ticksUpTo(max: number): number[] {
  return [0, 1, 2, 3, 4].map((i) => (max * i) / 4);
}

/**
 * Bytes (total size with indexes and TOAST, with the budget when in reach) or rows (catalog
 * estimate) per table over time.
 */
export function StoreSizeChart({
  tables,
  sampleSeconds,
  budgetBytes,
  metric,
}: {
  tables: StoreTable[];
  sampleSeconds: number;
  budgetBytes: number | null;
  metric: "bytes" | "rows";
}) {
  const { zone } = useTimeZone();
  const rows = metric === "rows";
  // one row per sample time, a column per table
  const byTime = new Map<string, Record<string, number | string>>();
  for (const table of tables)
    for (const s of table.samples) {
      const row = byTime.get(s.t) ?? { t: s.t };
      row[table.name] = rows ? s.rows : s.bytes;
      byTime.set(s.t, row);
    }
  const data = [...byTime.values()].sort((a, b) => String(a.t).localeCompare(String(b.t)));
  const tick = (v: string) => formatBucketTick(v, sampleSeconds >= 86_400 ? 86_400 : 3_600, zone);
  const annotations = useAnnotationLines(
    data.map((d) => String(d.t)),
    sampleSeconds * 1000,
  );
  const total = tables.reduce((s, x) => s + x.bytes, 0);
  const maxBytes = Math.max(0, ...tables.flatMap((x) => x.samples.map((s) => s.bytes)));
  // show the budget line only when it is within reach of the chart
  const showBudget = !rows && budgetBytes !== null && budgetBytes <= total * 3;
  const niceMax = niceBytes(Math.max(maxBytes, showBudget ? (budgetBytes as number) : 0));
  return (
    <div
      className="chart"
      role="figure"
      aria-label={rows ? "Rows per table over time" : "Size per table over time, in bytes"}
    >
      <ResponsiveContainer width="100%" height={280}>
        <LineChart data={data} margin={{ top: 12, right: 16, bottom: 4, left: 16 }}>
          <CartesianGrid stroke={GRID_COLOR} vertical={false} />
          <XAxis {...timeAxis("t", tick)} />
          {rows ? (
            <YAxis {...countAxis("rows (estimate)")} />
          ) : (
            <YAxis
              stroke={AXIS_COLOR}
              fontSize={12}
              width={84}
              tickFormatter={(v: number) => formatBytes(v).replace(".0 ", " ")}
              domain={[0, niceMax]}
              ticks={ticksUpTo(niceMax)}
              label={{
                value: "size (bytes)",
                angle: -90,
                position: "insideLeft",
                fill: AXIS_COLOR,
                fontSize: 12,
                dy: 40,
              }}
            />
          )}
          <Tooltip
            labelFormatter={(v) => formatBucketLabel(String(v), sampleSeconds, zone)}
            formatter={(v, name) => [
              rows ? formatCount(Number(v)) : formatBytes(Number(v)),
              String(name),
            ]}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {tables.map((table, i) => (
            <Line
              key={table.name}
              dataKey={table.name}
              name={table.name}
              stroke={TABLE_COLORS[i % TABLE_COLORS.length]}
              strokeWidth={2}
              dot={data.length < 3}
              connectNulls
              isAnimationActive={false}
            />
          ))}
          {showBudget ? (
            <ReferenceLine
              y={budgetBytes as number}
              stroke="#dc2626"
              strokeDasharray="6 4"
              label={{
                value: `budget ${formatBytes(budgetBytes)} (all tables)`,
                position: "insideTopRight",
                fill: "#dc2626",
                fontSize: 12,
              }}
            />
          ) : null}
          {annotations}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
