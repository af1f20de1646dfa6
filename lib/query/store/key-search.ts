// Key search (docs/operations.md, "Tracing one key"): by key (exact or prefix: "key mode", in byte order, purged intents
// found through their events) or by client/endpoint/status/time alone ("recent mode", newest
// first, live rows). Every user string is matched literally: LIKE wildcards are escaped.
import "server-only";
import type { Queryable, StoreContext } from "../../contract/context";
import { identifier, keyword, sql, toQuery, type SqlFragment } from "../../db/sql";
import type { KeySearchPage } from "../../client/api-types/keys";
import { encodeCursor } from "../../core/cursor";
import type { TableNames } from "../../contract/tables";
import { presentSearchIndexes } from "../../ingest/sources/search-indexes";
import { searchRecentIntents } from "./key-search-spans";
import {
  intentSummarySql,
  toItem,
  type FoundKeys,
  type KeyModeCursor,
  type KeySearch,
  type KeySearchCursor,
  type RecentModeCursor,
  type Row,
} from "./key-search-rows";

export type {
  KeyModeCursor,
  KeySearch,
  KeySearchCursor,
  RecentModeCursor,
} from "./key-search-rows";

/** How many event rows one page of a key-mode search reads at most to find purged intents. */
export const PURGED_WINDOW = 2000;

export function likeLiteral(s: string): string {
  return s.replace(/[\\%_]/g, "\\$&");
}

const C = `COLLATE "C"`;
const order = (a: string) => `${a}.key ${C}, ${a}.scope ${C}, ${a}.endpoint ${C}`;
// DESC applies to one sort key only: every column needs its own for "the window's last intent".
const orderDesc = (a: string) =>
  `${a}.key ${C} DESC, ${a}.scope ${C} DESC, ${a}.endpoint ${C} DESC`;

type KeyModeParams = {
  pattern: string;
  scope: string | null;
  endpoint: string | null;
  liveStatus: string | null;
  from: Date | null;
  to: Date | null;
  cursor: KeyModeCursor | null;
  limitPlusOne: number;
  includeLive: boolean;
  includePurged: boolean;
  /** spans only: an intent without a row is no purged key but the only record; its status is its last outcome */
  statusFromEvents: boolean;
  window: number;
};

function keyModeSql(t: TableNames, p: KeyModeParams): SqlFragment {
  const c = keyword(C);
  const [k, s, e] = [p.cursor?.k ?? null, p.cursor?.s ?? null, p.cursor?.e ?? null];
  const after = (alias: string) => {
    const a = keyword(alias);
    return sql`(${k}::text IS NULL OR (${a}.key ${c}, ${a}.scope ${c}, ${a}.endpoint ${c})
      > (${k}::text ${c}, ${s}::text ${c}, ${e}::text ${c}))`;
  };
  const filters = (alias: string) => {
    const a = keyword(alias);
    return sql`(${p.scope}::text IS NULL OR ${a}.scope = ${p.scope}::text)
       AND (${p.endpoint}::text IS NULL OR ${a}.endpoint = ${p.endpoint}::text)`;
  };
  const by = (alias: string) => keyword(order(alias));
  return sql`
    WITH live AS (
      SELECT k.id::text AS id, k.scope, k.endpoint, k.key, k.status, k.created_at AS first_seen,
             k.updated_at AS last_seen, k.expires_at, k.attempts
        FROM ${identifier(t.keys)} k
       WHERE ${p.includeLive}::boolean AND k.key ${c} LIKE ${p.pattern}::text AND ${filters("k")} AND ${after("k")}
         AND (${p.liveStatus}::text IS NULL OR k.status = ${p.liveStatus}::text)
         AND (${p.from}::timestamptz IS NULL OR k.created_at >= ${p.from}::timestamptz)
         AND (${p.to}::timestamptz IS NULL OR k.created_at < ${p.to}::timestamptz)
       ORDER BY ${by("k")}
       LIMIT ${p.limitPlusOne}
    ), win AS (
      -- event rows in key order, a bounded window: a short prefix over millions stays cheap
      SELECT e.key, e.scope, e.endpoint
        FROM ${identifier(t.events)} e
       WHERE ${p.includePurged}::boolean AND e.key ${c} LIKE ${p.pattern}::text AND ${filters("e")} AND ${after("e")}
       ORDER BY ${by("e")}
       LIMIT ${p.window}
    ), boundary AS (
      SELECT w.key, w.scope, w.endpoint FROM win w
       WHERE (SELECT count(*) FROM win) = ${p.window}
       ORDER BY ${keyword(orderDesc("w"))} LIMIT 1
    ), gone AS (
      -- intents of the window without a row: only these need their events summed up
      SELECT DISTINCT w.key, w.scope, w.endpoint FROM win w
       -- compared in byte order: the search index (a library's, or the contract's) serves it
       WHERE NOT EXISTS (SELECT 1 FROM ${identifier(t.keys)} k
                          WHERE k.key ${c} = w.key ${c} AND k.scope ${c} = w.scope ${c}
                            AND k.endpoint ${c} = w.endpoint ${c})
    ), purged AS (
      SELECT NULL::text AS id, g.scope, g.endpoint, g.key,
             CASE WHEN ${p.statusFromEvents}::boolean THEN h.outcome ELSE 'purged' END AS status,
             h.first_seen, h.last_seen, NULL::timestamptz AS expires_at, h.attempts
        FROM gone g
        CROSS JOIN LATERAL (${intentSummarySql(t, "g")}) h
       WHERE (${p.from}::timestamptz IS NULL OR h.first_seen >= ${p.from}::timestamptz)
         AND (${p.to}::timestamptz IS NULL OR h.first_seen < ${p.to}::timestamptz)
         AND (NOT ${p.statusFromEvents}::boolean OR ${p.liveStatus}::text IS NULL
              OR h.outcome = ${p.liveStatus}::text)
    )
    , page AS (
      SELECT r.* FROM (SELECT * FROM live UNION ALL SELECT * FROM purged) r
       WHERE NOT EXISTS (SELECT 1 FROM boundary b
                          WHERE (r.key ${c}, r.scope ${c}, r.endpoint ${c}) > (b.key ${c}, b.scope ${c}, b.endpoint ${c}))
       ORDER BY ${by("r")}
       LIMIT ${p.limitPlusOne}
    )
    -- one row: the page, and where the purged-intent window stopped (if it was full)
    SELECT (SELECT row_to_json(b) FROM boundary b) AS boundary,
           (SELECT coalesce(json_agg(p ORDER BY ${by("p")}), '[]'::json) FROM page p) AS rows`;
}

async function searchByKey(
  db: Queryable,
  t: TableNames,
  q: KeySearch,
  limit: number,
  cursor: KeyModeCursor | undefined,
): Promise<FoundKeys> {
  const pattern = q.key !== undefined ? likeLiteral(q.key) : `${likeLiteral(q.prefix ?? "")}%`;
  const spansOnly = !t.source.capture.readsStore;
  // spans alone: no key was ever purged from a row idemscope reads
  if (spansOnly && q.status === "purged") return { items: [], nextCursor: null };
  const liveStatus = q.status && q.status !== "purged" ? q.status : null;
  type Json = Omit<Row, "first_seen" | "last_seen" | "expires_at"> & {
    first_seen: string;
    last_seen: string;
    expires_at: string | null;
  };
  type Boundary = { key: string; scope: string; endpoint: string };
  const r = await db.query<{ boundary: Boundary | null; rows: Json[] }>(
    toQuery(
      keyModeSql(t, {
        pattern,
        scope: q.scope ?? null,
        endpoint: q.endpoint ?? null,
        liveStatus,
        from: q.from ?? null,
        to: q.to ?? null,
        cursor: cursor ?? null,
        limitPlusOne: limit + 1,
        includeLive: q.status !== "purged",
        includePurged: spansOnly || q.status === undefined || q.status === "purged",
        statusFromEvents: spansOnly,
        window: PURGED_WINDOW,
      }),
    ),
  );
  const { boundary, rows: json } = r.rows[0] ?? { boundary: null, rows: [] };
  const all: Row[] = json.map((j) => ({
    ...j,
    first_seen: new Date(j.first_seen),
    last_seen: new Date(j.last_seen),
    expires_at: j.expires_at ? new Date(j.expires_at) : null,
  }));
  const rows = all.slice(0, limit);
  const last = rows[rows.length - 1];
  let next: KeyModeCursor | null = null;
  if (all.length > limit && last) next = { m: "k", k: last.key, s: last.scope, e: last.endpoint };
  else if (boundary) next = { m: "k", k: boundary.key, s: boundary.scope, e: boundary.endpoint };
  return { items: rows.map(toItem), nextCursor: next ? encodeCursor(next) : null };
}

async function searchRecent(
  db: Queryable,
  t: TableNames,
  q: KeySearch,
  limit: number,
  cursor: RecentModeCursor | undefined,
): Promise<FoundKeys> {
  const r = await db.query<Row>(
    `SELECT k.id::text AS id, k.scope, k.endpoint, k.key, k.status, k.created_at AS first_seen,
            k.updated_at AS last_seen, k.expires_at, k.attempts,
            to_char(k.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS t_cursor
       FROM ${t.keys} k
      WHERE ($1::text IS NULL OR k.scope = $1)
        AND ($2::text IS NULL OR k.endpoint = $2)
        AND ($3::text IS NULL OR k.status = $3)
        AND ($4::timestamptz IS NULL OR k.created_at >= $4)
        AND ($5::timestamptz IS NULL OR k.created_at < $5)
        AND ($6::timestamptz IS NULL OR (k.created_at, k.id) < ($6, $7::bigint))
      ORDER BY k.created_at DESC, k.id DESC
      LIMIT $8`,
    [
      q.scope ?? null,
      q.endpoint ?? null,
      q.status ?? null,
      q.from ?? null,
      q.to ?? null,
      cursor?.t ?? null,
      cursor?.id ?? null,
      limit + 1,
    ],
  );
  const rows = r.rows.slice(0, limit);
  const last = rows[rows.length - 1];
  return {
    items: rows.map(toItem),
    nextCursor:
      r.rows.length > limit && last?.t_cursor && last.id
        ? encodeCursor({ m: "r", t: last.t_cursor, id: last.id })
        : null,
  };
}

export function isKeyMode(q: KeySearch): boolean {
  return q.key !== undefined || q.prefix !== undefined;
}

export async function searchKeys(
  ctx: StoreContext,
  q: KeySearch,
  page: { limit: number; cursor?: KeySearchCursor },
): Promise<KeySearchPage> {
  const { db, tables: t } = ctx;
  const [slow, found] = await Promise.all([
    slowSearch(ctx, q),
    isKeyMode(q)
      ? searchByKey(db, t, q, page.limit, page.cursor?.m === "k" ? page.cursor : undefined)
      : (t.source.capture.readsStore ? searchRecent : searchRecentIntents)(
          db,
          t,
          q,
          page.limit,
          page.cursor?.m === "r" ? page.cursor : undefined,
        ),
  ]);
  return { ...found, slow };
}

/**
 * On a library's table, whether an index serves this search (lib/ingest/sources/search-indexes.ts);
 * if not, what the user is told. The contract's keys table has its own.
 */
async function slowSearch(ctx: StoreContext, q: KeySearch): Promise<string | null> {
  const t = ctx.tables;
  // spans only: nothing but idemscope's own events, which the key search index serves
  if (!t.kept || !t.source.capture.readsStore) return null;
  const kind = isKeyMode(q)
    ? "key"
    : q.scope !== undefined
      ? "client"
      : q.status === "failed"
        ? "failed"
        : "recent";
  const present = await presentSearchIndexes(ctx.db, t.source);
  if (present.has(kind) || (kind === "failed" && present.has("recent"))) return null;
  return `No index of ${t.source.base} serves this search (${t.source.preset.name}'s own indexes serve the library's lookups), so it reads the whole table, within the statement timeout. npm run connect -- --search-indexes shows the index that would, and its size; --create-search-indexes creates it without blocking the service's writes.`;
}
