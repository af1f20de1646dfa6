// Stuck and orphaned keys (docs/store-contract.md, "How the numbers are computed"), oldest first, with keyset pagination.
import "server-only";
import type { StoreContext } from "../db/context";
import type { StuckKey, StuckKeysPage, StuckOrder } from "../api-types/stuck";
import { encodeCursor } from "../http/cursor";
import type { TableNames } from "../tables";
import { lockTimeoutParams } from "./lock-timeouts";

export type StuckFilter = {
  endpoint?: string;
  scope?: string;
  lockOwner?: string;
  minAgeSeconds?: number;
};

/** Position after the last row of a page: (since, id) of that row. */
export type StuckCursor = { since: string; id: string };

type Row = Omit<StuckKey, "lockedAt"> & { lockedAt: Date | null; since: string };

// The stuck predicate (docs/store-contract.md, "How the numbers are computed") for every reader and for the release/fail actions; $1–$3 are the
// lock timeouts (lockTimeoutParams), then four filter parameters from `first`.
// status = 'in_progress' repeats the partial index's predicate exactly; the stuck condition and
// the filters then only look at in-progress rows, a small set even in a large store.
export function whereStuck(first: number): string {
  const p = (i: number) => `$${first + i}`;
  return `k.status = 'in_progress'
      AND coalesce(k.locked_at, k.updated_at) < now() - make_interval(secs => coalesce(o.secs, $3))
      AND (${p(0)}::text IS NULL OR k.endpoint = ${p(0)})
      AND (${p(1)}::text IS NULL OR k.scope = ${p(1)})
      AND (${p(2)}::text IS NULL OR k.lock_owner = ${p(2)})
      AND (${p(3)}::int IS NULL OR coalesce(k.locked_at, k.updated_at) < now() - make_interval(secs => ${p(3)}))`;
}

export function filterParams(f: StuckFilter) {
  return [f.endpoint ?? null, f.scope ?? null, f.lockOwner ?? null, f.minAgeSeconds ?? null];
}

export function stuckFrom(t: TableNames): string {
  return `FROM ${t.keys} k LEFT JOIN unnest($1::text[], $2::int[]) AS o(endpoint, secs) ON o.endpoint = k.endpoint`;
}

/** How many keys are stuck (or orphaned) now, optionally filtered: the Overview tile and the list's total. */
export async function countStuckKeys(ctx: StoreContext, filter: StuckFilter = {}): Promise<number> {
  const { db, tables: t, config: cfg } = ctx;
  const r = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n ${stuckFrom(t)} WHERE ${whereStuck(4)}`,
    [...lockTimeoutParams(cfg), ...filterParams(filter)],
  );
  return r.rows[0]?.n ?? 0;
}

/** Stuck (or orphaned) keys per endpoint and the oldest one's age: /api/metrics. */
export async function stuckKeysByEndpoint(
  ctx: StoreContext,
): Promise<{ endpoint: string; stuck: number; oldestAgeSeconds: number }[]> {
  const { db, tables: t, config: cfg } = ctx;
  const r = await db.query<{ endpoint: string; stuck: number; oldestAgeSeconds: number }>(
    `SELECT k.endpoint, count(*)::int AS stuck,
            extract(epoch FROM now() - min(coalesce(k.locked_at, k.updated_at)))::float8 AS "oldestAgeSeconds"
       ${stuckFrom(t)} WHERE ${whereStuck(4)} GROUP BY k.endpoint`,
    [...lockTimeoutParams(cfg), ...filterParams({})],
  );
  return r.rows;
}

export async function listStuckKeys(
  ctx: StoreContext,
  filter: StuckFilter,
  page: { limit: number; cursor?: StuckCursor; order?: StuckOrder },
): Promise<StuckKeysPage> {
  const { db, tables: t, config: cfg } = ctx;
  // oldest first = earliest lock first; the cursor compares in the same direction
  const newest = page.order === "newest";
  const [cmp, dir] = newest ? ["<", "DESC"] : [">", "ASC"];
  const [rows, total] = await Promise.all([
    db.query<Row>(
      `SELECT k.id::text AS id, k.scope, k.endpoint, k.key, k.locked_at AS "lockedAt",
              extract(epoch FROM now() - coalesce(k.locked_at, k.updated_at))::float8 AS "ageSeconds",
              k.lock_owner AS "lockOwner", k.attempts, k.recovery_point AS "recoveryPoint",
              coalesce(o.secs, $3)::int AS "lockTimeoutSeconds",
              -- microsecond precision (a JS Date would round it and repeat rows across pages)
              to_char(coalesce(k.locked_at, k.updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS since
         ${stuckFrom(t)}
        WHERE ${whereStuck(4)}
          AND ($8::timestamptz IS NULL OR (coalesce(k.locked_at, k.updated_at), k.id) ${cmp} ($8, $9::bigint))
        ORDER BY coalesce(k.locked_at, k.updated_at) ${dir}, k.id ${dir}
        LIMIT $10`,
      [
        ...lockTimeoutParams(cfg),
        ...filterParams(filter),
        page.cursor?.since ?? null,
        page.cursor?.id ?? null,
        page.limit + 1,
      ],
    ),
    countStuckKeys(ctx, filter),
  ]);
  const more = rows.rows.length > page.limit;
  const items = rows.rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return {
    items: items.map(({ since: _since, lockedAt, ...rest }) => ({
      ...rest,
      lockedAt: lockedAt?.toISOString() ?? null,
    })),
    nextCursor: more && last ? encodeCursor({ since: last.since, id: last.id }) : null,
    total,
    totalIsEstimate: false,
  };
}
