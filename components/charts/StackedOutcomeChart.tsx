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
import type { OverviewSeriesPoint } from "@/lib/client/api-types/overview";
import { formatCount } from "@/lib/client/format";
import { useAnnotationLines } from "./annotation-markers";
import { useBarLinks, type BarHref } from "./bar-links";
import { countAxis, timeAxis } from "./axes";
import { GRID_COLOR, OUTCOME_COLORS, OUTCOME_LABELS } from "./palette";
import { bucketName, formatBucketLabel, formatBucketTick } from "./time-format";
import { useTimeZone } from "@/components/ui/TimeZone";

const SERIES = ["claimed", "reclaimed", "replayed", "conflict", "mismatch"] as const;

/** Requests per bucket, stacked by outcome; outcomes the layout cannot capture are left out. */
export function StackedOutcomeChart({
  data,
  bucketSeconds,
  hidden = [],
  hrefOf,
}: {
  data: OverviewSeriesPoint[];
  bucketSeconds: number;
  hidden?: readonly (typeof SERIES)[number][];
  /** where a bucket's column leads (its keys) */
  hrefOf?: BarHref;
}) {
  const links = useBarLinks(hrefOf);
  const { zone } = useTimeZone();
  const unit = `requests / ${bucketName(bucketSeconds)}`;
  const annotations = useAnnotationLines(
    data.map((p) => p.t),
    bucketSeconds * 1000,
  );
  return (
    <div className="chart" role="figure" aria-label={`Requests by outcome, ${unit}`}>
      <ResponsiveContainer width="100%" height={280}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 8 }} {...links.chart}>
          <CartesianGrid stroke={GRID_COLOR} vertical={false} />
          {links.probe}
          <XAxis {...timeAxis("t", (v) => formatBucketTick(v, bucketSeconds, zone))} />
          <YAxis {...countAxis(unit)} />
          <Tooltip
            labelFormatter={(v) => formatBucketLabel(String(v), bucketSeconds, zone)}
            formatter={(value, name) => [formatCount(Number(value)), String(name)]}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {SERIES.filter((key) => !hidden.includes(key)).map((key) => (
            <Bar
              key={key}
              dataKey={key}
              name={OUTCOME_LABELS[key]}
              stackId="outcome"
              fill={OUTCOME_COLORS[key]}
              isAnimationActive={false}
            />
          ))}
          {annotations}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
