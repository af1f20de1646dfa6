// Time grains of the rollups, as SQL. A batch is first summed at the finest grain each event is
// kept at (minute rows for the last days, hour rows for months, day rows beyond), and the coarser
// rows are summed from those cells: one pass over the events instead of one per resolution, and
// no row that retention would drop at once.
/** Days each grain keeps (as retention would), and the per-intent memory's horizon. */
export type Keep = { minute: number; hour: number; intents?: number };

/** The resolutions, finest first; a cell of grain g feeds every resolution of rank ≥ g. */
export const RESOLUTION_RANKS = `(VALUES ('minute', 1), ('hour', 2), ('day', 3)) AS r(res, rank)`;

/** SQL: the time `days` days ago. */
export const since = (days: number) =>
  `now() - make_interval(secs => ${Math.round(days * 86_400)})`;

/** SQL: the finest grain (1 minute, 2 hour, 3 day) at which an event at `at` is kept. */
export function grainOf(keep: Keep, at: string): string {
  // the limits as subqueries: computed once per statement, not once per event
  return `CASE WHEN ${at} >= (SELECT ${since(keep.minute)}) THEN 1 WHEN ${at} >= (SELECT ${since(keep.hour)}) THEN 2 ELSE 3 END`;
}

// date_bin is arithmetic where date_trunc converts through the session's time zone; the
// collector's transactions run in UTC, where both give the same minute, hour and day
const EPOCH = `timestamptz '1970-01-01 00:00:00+00'`;
/** SQL: `at` truncated to the grain `grain` (an expression of grainOf). */
export function binOf(grain: string, at: string): string {
  return `date_bin(CASE ${grain} WHEN 1 THEN interval '1 minute' WHEN 2 THEN interval '1 hour' ELSE interval '1 day' END, ${at}, ${EPOCH})`;
}

/**
 * SQL: a cell's bucket (alias `alias`, with columns grain and bucket) at resolution r.res, for a
 * query that cross joins RESOLUTION_RANKS with `r.rank >= alias.grain`.
 */
export const bucketAt = (alias: string) =>
  `CASE WHEN r.rank = ${alias}.grain THEN ${alias}.bucket ELSE date_trunc(r.res, ${alias}.bucket) END`;

/** SQL: a timestamp as microseconds since the epoch (exact: extract gives numeric), and back. */
export const microsOf = (at: string) => `(extract(epoch FROM ${at}) * 1000000)::bigint`;
export const fromMicros = (us: string) => `(${EPOCH} + ${us} * interval '1 microsecond')`;
