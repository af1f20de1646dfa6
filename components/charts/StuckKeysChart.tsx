"use client";

import {
  Area,
  AreaChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { StuckPoint } from "@/lib/client/api-types/overview";
import { formatCount } from "@/lib/client/format";
import { countAxis, timeAxis } from "./axes";
import { useAnnotationLines } from "./annotation-markers";
import { useBarLinks } from "./bar-links";
import { GRID_COLOR, STUCK_COLOR } from "./palette";
import { bucketName, formatBucketLabel, formatBucketTick } from "./time-format";
import { useTimeZone } from "@/components/ui/TimeZone";

/** Stuck keys over time: the highest count sampled in each bucket (gaps: no sample taken). */
export function StuckKeysChart({
  data,
  bucketSeconds,
}: {
  data: StuckPoint[];
  bucketSeconds: number;
}) {
  // the keys stuck now: a past bucket's stuck keys are not kept one by one
  const links = useBarLinks(() => "/stuck");
  const { zone } = useTimeZone();
  const unit = `stuck keys (max per ${bucketName(bucketSeconds)})`;
  const annotations = useAnnotationLines(
    data.map((p) => p.t),
    bucketSeconds * 1000,
  );
  return (
    <div className="chart chart-short" role="figure" aria-label={`Stuck keys over time, ${unit}`}>
      <ResponsiveContainer width="100%" height={200}>
        <AreaChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 8 }} {...links.chart}>
          <CartesianGrid stroke={GRID_COLOR} vertical={false} />
          {links.probe}
          <XAxis {...timeAxis("t", (v) => formatBucketTick(v, bucketSeconds, zone))} />
          <YAxis {...countAxis("stuck keys", 40)} />
          <Tooltip
            labelFormatter={(v) => formatBucketLabel(String(v), bucketSeconds, zone)}
            formatter={(value) => [
              value === null || value === undefined ? "no sample" : formatCount(Number(value)),
              "Stuck keys (max)",
            ]}
          />
          <Area
            type="stepAfter"
            dataKey="stuck"
            name="Stuck keys"
            stroke={STUCK_COLOR}
            fill={STUCK_COLOR}
            fillOpacity={0.2}
            connectNulls={false}
            // a sample alone between gaps (a collector that just started) still shows
            dot={{ r: 2, fill: STUCK_COLOR }}
            isAnimationActive={false}
          />
          {annotations}
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
