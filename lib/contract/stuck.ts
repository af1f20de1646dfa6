// What a stuck key is (docs/store-contract.md, "How the numbers are computed"), as SQL: the
// readers of lib/query, the release/fail actions and the collector's stuck sampler use the same
// predicate.
import "server-only";
import type { StoreContext } from "./context";
import { identifier, sql, type SqlFragment } from "../db/sql";
import { defaultLockTimeout } from "../core/config";
import { lockTimeoutParams } from "./lock-timeouts";

export type StuckFilter = {
  endpoint?: string;
  scope?: string;
  lockOwner?: string;
  minAgeSeconds?: number;
};

/**
 * The keys in progress joined to the per-endpoint lock timeouts, judged on the database clock:
 * what polls reads (for a library's table, the copy capture keeps: never the service's table).
 */
export function stuckFrom(ctx: StoreContext): SqlFragment {
  return sql`FROM ${identifier(ctx.tables.openKeys)} k ${lockTimeoutJoin(ctx)}`;
}

/**
 * The same keys as they are at this instant, for an action that changes them: the candidates
 * capture keeps, each looked up in the store by its id (`k` is the live row, which the stuck
 * predicate judges again and FOR UPDATE OF k locks), so a key that finished a moment ago, before
 * capture saw it, is left alone.
 */
export function liveStuckFrom(ctx: StoreContext): SqlFragment {
  const { keys, openKeys } = ctx.tables;
  if (keys === openKeys) return stuckFrom(ctx);
  return sql`FROM ${identifier(openKeys)} c JOIN ${identifier(keys)} k ON k.id = c.id
    ${lockTimeoutJoin(ctx)}`;
}

function lockTimeoutJoin(ctx: StoreContext): SqlFragment {
  const [endpoints, seconds] = lockTimeoutParams(ctx.config);
  return sql`LEFT JOIN unnest(${endpoints}::text[], ${seconds}::int[]) AS o(endpoint, secs)
      ON o.endpoint = k.endpoint`;
}

/** The lock timeout of the row's endpoint, in seconds (needs stuckFrom's join). */
export function lockTimeoutOf(ctx: StoreContext): SqlFragment {
  const seconds = defaultLockTimeout(ctx.config, ctx.tables.source.preset.lockTimeoutSeconds);
  return sql`coalesce(o.secs, ${seconds}::int)`;
}

// The stuck predicate for every reader and for the release/fail actions.
// status = 'in_progress' repeats the partial index's predicate exactly; the stuck condition and
// the filters then only look at in-progress rows, a small set even in a large store.
export function whereStuck(ctx: StoreContext, f: StuckFilter): SqlFragment {
  const since = sql`coalesce(k.locked_at, k.updated_at)`;
  return sql`k.status = 'in_progress'
      AND ${since} < now() - make_interval(secs => ${lockTimeoutOf(ctx)})
      AND (${f.endpoint ?? null}::text IS NULL OR k.endpoint = ${f.endpoint ?? null})
      AND (${f.scope ?? null}::text IS NULL OR k.scope = ${f.scope ?? null})
      AND (${f.lockOwner ?? null}::text IS NULL OR k.lock_owner = ${f.lockOwner ?? null})
      AND (${f.minAgeSeconds ?? null}::int IS NULL
           OR ${since} < now() - make_interval(secs => ${f.minAgeSeconds ?? null}::int))`;
}
