// The demo's traffic over the day and the week, shared by the backfilled history and the live
// simulator so that the charts have one shape and no step where the history meets live traffic:
// busiest at 14:00 UTC, quietest at 02:00, weekends at 65 %.

/** Share of the peak rate at time `at` (0.13–1). */
export function trafficShape(at: Date): number {
  const hour = at.getUTCHours() + at.getUTCMinutes() / 60;
  const day = 0.6 + 0.4 * Math.cos((2 * Math.PI * (hour - 14)) / 24);
  const weekend = at.getUTCDay() === 0 || at.getUTCDay() === 6;
  return day * (weekend ? 0.65 : 1);
}

/** trafficShape in SQL, of a timestamptz expression. */
export function trafficShapeSql(at: string): string {
  const hour = `(extract(hour FROM ${at} AT TIME ZONE 'UTC') + extract(minute FROM ${at} AT TIME ZONE 'UTC') / 60)`;
  return `((0.6 + 0.4 * cos(2 * pi() * (${hour} - 14) / 24))
           * CASE WHEN extract(isodow FROM ${at} AT TIME ZONE 'UTC') IN (6, 7) THEN 0.65 ELSE 1 END)`;
}

/** The shape's mean over a week: intents per day = peak per second × 86,400 × this. */
export const MEAN_TRAFFIC_SHAPE = 0.6 * ((5 + 2 * 0.65) / 7);
