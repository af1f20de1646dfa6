"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { TtlAdvice } from "@/lib/client/api-types/store";
import { formatAge, formatCount } from "@/lib/client/format";
import { countAxis } from "./axes";
import { AXIS_COLOR, GRID_COLOR, OUTCOME_COLORS } from "./palette";

/** How long after a key's first request its retries came, against the endpoint's TTL. */
export function RetryDelayChart({ advice }: { advice: TtlAdvice }) {
  // the TTL's bucket: where the line goes on the category axis
  const ttlBucket =
    advice.ttlSeconds === null
      ? undefined
      : advice.histogram.find(
          (b) =>
            b.fromSeconds <= (advice.ttlSeconds as number) &&
            (b.toSeconds === null || (advice.ttlSeconds as number) < b.toSeconds),
        );
  // the empty tails carry no information: show from the first to the last bucket with retries
  const used = advice.histogram.map((b) => b.retries > 0 || b === ttlBucket);
  const first = Math.max(0, used.indexOf(true));
  const last = used.lastIndexOf(true);
  const data = advice.histogram
    .slice(first, last + 1)
    .map((b) => ({ ...b, withinTtl: b.retries - b.afterExpiry }));
  return (
    <div
      className="chart"
      role="figure"
      aria-label={`Delay between the first request and each retry on ${advice.endpoint}, with its TTL`}
    >
      <ResponsiveContainer width="100%" height={280}>
        <BarChart data={data} margin={{ top: 28, right: 16, bottom: 16, left: 8 }}>
          <CartesianGrid stroke={GRID_COLOR} vertical={false} />
          <XAxis
            dataKey="label"
            stroke={AXIS_COLOR}
            fontSize={11}
            interval={0}
            label={{
              value: "delay after the first request",
              position: "insideBottom",
              offset: -10,
              fill: AXIS_COLOR,
              fontSize: 12,
            }}
          />
          <YAxis {...countAxis("retries")} />
          <Tooltip formatter={(v, name) => [formatCount(Math.round(Number(v))), String(name)]} />
          <Legend verticalAlign="top" wrapperStyle={{ fontSize: 12, top: 0 }} />
          <Bar
            dataKey="withinTtl"
            name="Retries before the TTL (the stored answer was there)"
            stackId="d"
            fill={OUTCOME_COLORS.replayed}
            isAnimationActive={false}
          />
          <Bar
            dataKey="afterExpiry"
            name="Retries at or after the TTL (the key had expired: new work)"
            stackId="d"
            fill={OUTCOME_COLORS.mismatch}
            isAnimationActive={false}
          />
          {ttlBucket ? (
            <ReferenceLine
              x={ttlBucket.label}
              stroke={AXIS_COLOR}
              strokeDasharray="6 4"
              label={{
                value: `TTL ${formatAge(advice.ttlSeconds as number)}`,
                position: "top",
                fill: AXIS_COLOR,
                fontSize: 12,
              }}
            />
          ) : null}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
