// Key search (docs/operations.md, "Tracing one key"): by key (exact or prefix: "key mode", in byte order, purged intents
// found through their events) or by client/endpoint/status/time alone ("recent mode", newest
// first, live rows). Every user string is matched literally: LIKE wildcards are escaped.
import "server-only";
import type { Queryable, StoreContext } from "../db/context";
import type { KeySearchItem, KeySearchPage, KeyStatus } from "../api-types/keys";
import { encodeCursor } from "../cursor";
import type { TableNames } from "../tables";

export type KeySearch = {
  key?: string;
  prefix?: string;
  scope?: string;
  endpoint?: string;
  status?: KeyStatus;
  from?: Date;
  to?: Date;
};

export type KeyModeCursor = { m: "k"; k: string; s: string; e: string };
export type RecentModeCursor = { m: "r"; t: string; id: string };
export type KeySearchCursor = KeyModeCursor | RecentModeCursor;

/** How many event rows one page of a key-mode search reads at most to find purged intents. */
export const PURGED_WINDOW = 2000;

export function likeLiteral(s: string): string {
  return s.replace(/[\\%_]/g, "\\$&");
}

type Row = {
  id: string | null;
  scope: string;
  endpoint: string;
  key: string;
  status: KeyStatus;
  first_seen: Date;
  last_seen: Date;
  expires_at: Date | null;
  attempts: number;
  t_cursor: string | null;
};

function toItem(r: Row): KeySearchItem {
  return {
    id: r.id,
    scope: r.scope,
    endpoint: r.endpoint,
    key: r.key,
    status: r.status,
    firstSeenAt: r.first_seen.toISOString(),
    lastSeenAt: r.last_seen.toISOString(),
    expiresAt: r.expires_at?.toISOString() ?? null,
    attempts: r.attempts,
  };
}

const C = `COLLATE "C"`;
const order = (a: string) => `${a}.key ${C}, ${a}.scope ${C}, ${a}.endpoint ${C}`;
// DESC applies to one sort key only: every column needs its own for "the window's last intent".
const orderDesc = (a: string) =>
  `${a}.key ${C} DESC, ${a}.scope ${C} DESC, ${a}.endpoint ${C} DESC`;

// $1 pattern, $2 scope, $3 endpoint, $4 live status, $5 from, $6 to, $7–$9 cursor, $10 limit+1,
// $11 include live, $12 include purged, $13 window size
function keyModeSql(t: TableNames): string {
  const after = (a: string) =>
    `($7::text IS NULL OR (${a}.key ${C}, ${a}.scope ${C}, ${a}.endpoint ${C}) > ($7 ${C}, $8 ${C}, $9 ${C}))`;
  const filters = (a: string) => `($2::text IS NULL OR ${a}.scope = $2)
       AND ($3::text IS NULL OR ${a}.endpoint = $3)`;
  return `
    WITH live AS (
      SELECT k.id::text AS id, k.scope, k.endpoint, k.key, k.status, k.created_at AS first_seen,
             k.updated_at AS last_seen, k.expires_at, k.attempts
        FROM ${t.keys} k
       WHERE $11 AND k.key ${C} LIKE $1 AND ${filters("k")} AND ${after("k")}
         AND ($4::text IS NULL OR k.status = $4)
         AND ($5::timestamptz IS NULL OR k.created_at >= $5)
         AND ($6::timestamptz IS NULL OR k.created_at < $6)
       ORDER BY ${order("k")}
       LIMIT $10
    ), win AS (
      -- event rows in key order, a bounded window: a short prefix over millions stays cheap
      SELECT e.key, e.scope, e.endpoint
        FROM ${t.events} e
       WHERE $12 AND e.key ${C} LIKE $1 AND ${filters("e")} AND ${after("e")}
       ORDER BY ${order("e")}
       LIMIT $13
    ), boundary AS (
      SELECT w.key, w.scope, w.endpoint FROM win w
       WHERE (SELECT count(*) FROM win) = $13
       ORDER BY ${orderDesc("w")} LIMIT 1
    ), gone AS (
      -- intents of the window without a row: only these need their events summed up
      SELECT DISTINCT w.key, w.scope, w.endpoint FROM win w
       WHERE NOT EXISTS (SELECT 1 FROM ${t.keys} k WHERE k.scope = w.scope AND k.endpoint = w.endpoint AND k.key = w.key)
    ), purged AS (
      SELECT NULL::text AS id, g.scope, g.endpoint, g.key, 'purged' AS status, h.first_seen,
             h.last_seen, NULL::timestamptz AS expires_at, h.attempts
        FROM gone g
        CROSS JOIN LATERAL (
          SELECT min(at) AS first_seen, max(at) AS last_seen,
                 (count(*) FILTER (WHERE kind IN ('claimed', 'reclaimed', 'replayed', 'conflict', 'mismatch')))::int AS attempts
            FROM ${t.events} x WHERE x.scope = g.scope AND x.endpoint = g.endpoint AND x.key = g.key
        ) h
       WHERE ($5::timestamptz IS NULL OR h.first_seen >= $5)
         AND ($6::timestamptz IS NULL OR h.first_seen < $6)
    )
    , page AS (
      SELECT r.* FROM (SELECT * FROM live UNION ALL SELECT * FROM purged) r
       WHERE NOT EXISTS (SELECT 1 FROM boundary b
                          WHERE (r.key ${C}, r.scope ${C}, r.endpoint ${C}) > (b.key ${C}, b.scope ${C}, b.endpoint ${C}))
       ORDER BY ${order("r")}
       LIMIT $10
    )
    -- one row: the page, and where the purged-intent window stopped (if it was full)
    SELECT (SELECT row_to_json(b) FROM boundary b) AS boundary,
           (SELECT coalesce(json_agg(p ORDER BY ${order("p")}), '[]'::json) FROM page p) AS rows`;
}

async function searchByKey(
  db: Queryable,
  t: TableNames,
  q: KeySearch,
  limit: number,
  cursor: KeyModeCursor | undefined,
): Promise<KeySearchPage> {
  const pattern = q.key !== undefined ? likeLiteral(q.key) : `${likeLiteral(q.prefix ?? "")}%`;
  const liveStatus = q.status && q.status !== "purged" ? q.status : null;
  type Json = Omit<Row, "first_seen" | "last_seen" | "expires_at"> & {
    first_seen: string;
    last_seen: string;
    expires_at: string | null;
  };
  type Boundary = { key: string; scope: string; endpoint: string };
  const r = await db.query<{ boundary: Boundary | null; rows: Json[] }>(keyModeSql(t), [
    pattern,
    q.scope ?? null,
    q.endpoint ?? null,
    liveStatus,
    q.from ?? null,
    q.to ?? null,
    cursor?.k ?? null,
    cursor?.s ?? null,
    cursor?.e ?? null,
    limit + 1,
    q.status !== "purged",
    q.status === undefined || q.status === "purged",
    PURGED_WINDOW,
  ]);
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
): Promise<KeySearchPage> {
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
  if (isKeyMode(q)) {
    return searchByKey(db, t, q, page.limit, page.cursor?.m === "k" ? page.cursor : undefined);
  }
  return searchRecent(db, t, q, page.limit, page.cursor?.m === "r" ? page.cursor : undefined);
}
