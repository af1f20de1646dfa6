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

/** The keys table joined to the per-endpoint lock timeouts, judged on the database clock. */
export function stuckFrom(ctx: StoreContext): SqlFragment {
  const [endpoints, seconds] = lockTimeoutParams(ctx.config);
  return sql`FROM ${identifier(ctx.tables.keys)} k
    LEFT JOIN unnest(${endpoints}::text[], ${seconds}::int[]) AS o(endpoint, secs)
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
