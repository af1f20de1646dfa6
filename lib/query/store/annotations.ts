// Annotations on the charts, and "did this deploy make it worse?": the store's numbers over two
// equal windows before and after an annotation, from the rollups (docs/operations.md,
// "Annotations").
import "server-only";
import type {
  Annotation,
  AnnotationComparison,
  AnnotationList,
  WindowNumbers,
} from "../../client/api-types/annotations";
import type { Queryable, StoreContext } from "../../contract/context";
import { DomainError } from "../../core/errors";
import { LATENCY_BOUNDS_MS, percentileFromHistogram } from "../../contract/histograms";
import type { TableNames } from "../../contract/tables";

const COLUMNS = "id::text AS id, at, text, endpoint, version, actor";
type Row = Omit<Annotation, "at"> & { at: Date };
const toAnnotation = (r: Row): Annotation => ({ ...r, at: r.at.toISOString() });

/** Annotations in [from, to], newest first (at most `limit`). */
export async function listAnnotations(
  ctx: StoreContext,
  q: { from: Date; to: Date; limit: number },
): Promise<AnnotationList> {
  const r = await ctx.db.query<Row>(
    `SELECT ${COLUMNS} FROM ${ctx.tables.ownTable("annotations")}
      WHERE at >= $1 AND at <= $2 ORDER BY at DESC, id DESC LIMIT $3`,
    [q.from, q.to, q.limit],
  );
  return { items: r.rows.map(toAnnotation) };
}

// A number is worse after when it rose by both a share and an amount that matter (small
// windows are noisy; a rate going from 0.01 % to 0.02 % is not an incident).
const WORSE = {
  duplicateSuccessRate: { factor: 1.5, amount: 0.0005 },
  replayRatio: { factor: 1.5, amount: 0.01 },
  conflictRate: { factor: 1.5, amount: 0.005 },
  workLatencyP95Ms: { factor: 1.25, amount: 5 },
} as const;

/** Minute rollups (kept 3 days) for windows up to 6 h, else hour rollups. */
function resolutionFor(at: Date, windowSeconds: number): "minute" | "hour" {
  return windowSeconds <= 6 * 3600 &&
    Date.now() - at.getTime() < 3 * 86_400_000 - windowSeconds * 1000
    ? "minute"
    : "hour";
}

async function windowNumbers(
  db: Queryable,
  t: TableNames,
  w: { resolution: string; from: Date; to: Date; endpoint: string | null },
): Promise<WindowNumbers> {
  const where = `resolution = $1 AND bucket >= $2 AND bucket < $3 AND ($4::text IS NULL OR endpoint = $4)`;
  const params = [w.resolution, w.from, w.to, w.endpoint];
  const [events, successes, latency] = await Promise.all([
    db.query<{ requests: number; replayed: number; conflicts: number }>(
      `SELECT coalesce(sum(events) FILTER (WHERE kind IN ('claimed', 'reclaimed', 'replayed', 'conflict', 'mismatch')), 0)::float8 AS requests,
              coalesce(sum(events) FILTER (WHERE kind = 'replayed'), 0)::float8 AS replayed,
              coalesce(sum(events) FILTER (WHERE kind = 'conflict'), 0)::float8 AS conflicts
         FROM ${t.ownTable("rollup_events")} WHERE ${where}`,
      params,
    ),
    db.query<{ first: number; dup: number }>(
      `SELECT coalesce(sum(first_successes), 0)::float8 AS first, coalesce(sum(duplicate_successes), 0)::float8 AS dup
         FROM ${t.ownTable("rollup_successes")} WHERE ${where}`,
      params,
    ),
    db.query<{ le: number; n: number }>(
      `SELECT le_index AS le, sum(events)::float8 AS n FROM ${t.ownTable("rollup_latency")}
        WHERE ${where} AND kind IN ('completed', 'failed') GROUP BY 1`,
      params,
    ),
  ]);
  const e = events.rows[0]!;
  const s = successes.rows[0]!;
  const histogram = new Map(latency.rows.map((r) => [r.le, r.n]));
  return {
    requests: e.requests,
    duplicateSuccessRate: s.first ? s.dup / s.first : null,
    replayRatio: e.requests ? e.replayed / e.requests : null,
    conflicts: e.conflicts,
    conflictRate: e.requests ? e.conflicts / e.requests : null,
    workLatencyP95Ms: percentileFromHistogram(histogram, LATENCY_BOUNDS_MS, 0.95),
  };
}

export async function compareAroundAnnotation(
  ctx: StoreContext,
  id: string,
  windowSeconds: number,
): Promise<AnnotationComparison> {
  const { db, tables: t } = ctx;
  const r = await db.query<Row>(
    `SELECT ${COLUMNS} FROM ${t.ownTable("annotations")} WHERE id = $1`,
    [id],
  );
  const row = r.rows[0];
  if (!row) throw new DomainError("not_found", "not_found", `No annotation has the id ${id}.`);
  const resolution = resolutionFor(row.at, windowSeconds);
  const step = resolution === "minute" ? 60_000 : 3_600_000;
  // whole buckets: the one holding the annotation starts the "after" window
  const at0 = Math.floor(row.at.getTime() / step) * step;
  const w = windowSeconds * 1000;
  const now = Date.now();
  const [before, after] = await Promise.all([
    windowNumbers(db, t, {
      resolution,
      from: new Date(at0 - w),
      to: new Date(at0),
      endpoint: row.endpoint,
    }),
    windowNumbers(db, t, {
      resolution,
      from: new Date(at0),
      to: new Date(at0 + w),
      endpoint: row.endpoint,
    }),
  ]);
  const worse = (Object.keys(WORSE) as (keyof typeof WORSE)[]).filter((k) => {
    const b = before[k] ?? 0;
    const a = after[k];
    return a !== null && a > b * WORSE[k].factor && a - b >= WORSE[k].amount;
  });
  return {
    annotation: toAnnotation(row),
    windowSeconds,
    afterSeconds: Math.max(0, Math.min(windowSeconds, Math.round((now - at0) / 1000))),
    resolution,
    before,
    after,
    worse,
  };
}
