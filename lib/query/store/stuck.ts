// Stuck and orphaned keys (docs/store-contract.md, "How the numbers are computed"), oldest
// first, with keyset pagination.
import "server-only";
import { NOT_VISIBLE_WITHOUT_STORE } from "../../contract/preset-spans-only";
import type { StoreContext } from "../../contract/context";
import { keyword, sql, toQuery } from "../../db/sql";
import type { StuckKey, StuckKeysPage, StuckOrder } from "../../client/api-types/stuck";
import { encodeCursor } from "../../core/cursor";
import { lockTimeoutOf, stuckFrom, whereStuck, type StuckFilter } from "../../contract/stuck";

/** Position after the last row of a page: (since, id) of that row. */
export type StuckCursor = { since: string; id: string };

type Row = Omit<StuckKey, "lockedAt"> & { lockedAt: Date | null; since: string };

/** How many keys are stuck (or orphaned) now, optionally filtered: the Overview tile and the list's total. */
export async function countStuckKeys(ctx: StoreContext, filter: StuckFilter = {}): Promise<number> {
  const r = await ctx.db.query<{ n: number }>(
    toQuery(sql`SELECT count(*)::int AS n ${stuckFrom(ctx)} WHERE ${whereStuck(ctx, filter)}`),
  );
  return r.rows[0]?.n ?? 0;
}

/** Stuck (or orphaned) keys per endpoint and the oldest one's age: /api/metrics. */
export async function stuckKeysByEndpoint(
  ctx: StoreContext,
): Promise<{ endpoint: string; stuck: number; oldestAgeSeconds: number }[]> {
  const r = await ctx.db.query<{ endpoint: string; stuck: number; oldestAgeSeconds: number }>(
    toQuery(sql`
      SELECT k.endpoint, count(*)::int AS stuck,
             extract(epoch FROM now() - min(coalesce(k.locked_at, k.updated_at)))::float8 AS "oldestAgeSeconds"
        ${stuckFrom(ctx)} WHERE ${whereStuck(ctx, {})} GROUP BY k.endpoint`),
  );
  return r.rows;
}

export async function listStuckKeys(
  ctx: StoreContext,
  filter: StuckFilter,
  page: { limit: number; cursor?: StuckCursor; order?: StuckOrder },
): Promise<StuckKeysPage> {
  // spans alone: no key's state to list, and the page says why
  if (!ctx.tables.source.capture.readsStore)
    return {
      items: [],
      nextCursor: null,
      total: 0,
      totalIsEstimate: false,
      notCaptured: NOT_VISIBLE_WITHOUT_STORE,
    };
  // oldest first = earliest lock first; the cursor compares in the same direction
  const newest = page.order === "newest";
  const [cmp, dir] = newest ? (["<", "DESC"] as const) : ([">", "ASC"] as const);
  const since = page.cursor?.since ?? null;
  const [rows, total] = await Promise.all([
    ctx.db.query<Row>(
      toQuery(sql`
        SELECT k.id::text AS id, k.scope, k.endpoint, k.key, k.locked_at AS "lockedAt",
               extract(epoch FROM now() - coalesce(k.locked_at, k.updated_at))::float8 AS "ageSeconds",
               k.lock_owner AS "lockOwner", k.attempts, k.recovery_point AS "recoveryPoint",
               ${lockTimeoutOf(ctx)} AS "lockTimeoutSeconds",
               -- microsecond precision (a JS Date would round it and repeat rows across pages)
               to_char(coalesce(k.locked_at, k.updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS since
          ${stuckFrom(ctx)}
         WHERE ${whereStuck(ctx, filter)}
           AND (${since}::timestamptz IS NULL
                OR (coalesce(k.locked_at, k.updated_at), k.id) ${keyword(cmp)} (${since}::timestamptz, ${page.cursor?.id ?? null}::bigint))
         ORDER BY coalesce(k.locked_at, k.updated_at) ${keyword(dir)}, k.id ${keyword(dir)}
         LIMIT ${page.limit + 1}`),
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
    notCaptured: null,
  };
}
