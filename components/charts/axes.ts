// Axis settings every chart shares: the same colours, font and a unit on the count axis.
import { formatCount } from "@/lib/client/format";
import { AXIS_COLOR } from "./palette";

/** Props of a count YAxis labelled with its unit (spread into <YAxis />). */
export function countAxis(unit: string, dy = 50) {
  return {
    stroke: AXIS_COLOR,
    fontSize: 12,
    // room for "200,000" and the unit label beside it
    width: 76,
    allowDecimals: false,
    tickFormatter: (v: number) => formatCount(v),
    label: {
      value: unit,
      angle: -90,
      position: "insideLeft" as const,
      fill: AXIS_COLOR,
      fontSize: 12,
      dy,
    },
  };
}

/** Props of a category/time XAxis whose ticks `tick` formats. */
export function timeAxis(dataKey: string, tick: (v: string) => string, minTickGap = 24) {
  return { dataKey, tickFormatter: tick, stroke: AXIS_COLOR, fontSize: 12, minTickGap };
}
