// Key search's recent mode (by client, endpoint, status or time alone) for a span-only source
// (lib/contract/preset-spans-only.ts): there are no key rows, so the newest intents are found
// through their claims, a bounded window of them, newest first.
import "server-only";
import type { Queryable } from "../../contract/context";
import { identifier, sql, toQuery } from "../../db/sql";
import { encodeCursor } from "../../core/cursor";
import type { TableNames } from "../../contract/tables";
import {
  intentSummarySql,
  toItem,
  type FoundKeys,
  type KeySearch,
  type RecentModeCursor,
  type Row,
} from "./key-search-rows";

/** How many claims one page reads at most, newest first, to find its intents. */
const CLAIM_WINDOW = 5000;

export async function searchRecentIntents(
  db: Queryable,
  t: TableNames,
  q: KeySearch,
  limit: number,
  cursor: RecentModeCursor | undefined,
): Promise<FoundKeys> {
  const [scope, endpoint, status] = [q.scope ?? null, q.endpoint ?? null, q.status ?? null];
  const [from, to, before] = [q.from ?? null, q.to ?? null, cursor?.t ?? null];
  const events = identifier(t.events);
  type Json = Omit<Row, "first_seen" | "last_seen"> & { first_seen: string; last_seen: string };
  const r = await db.query<{ rows: Json[] | null; window_end: string | null }>(
    toQuery(sql`
      WITH claims AS (
        SELECT e.scope, e.endpoint, e.key, e.at
          FROM ${events} e
         WHERE e.kind = 'claimed'
           AND (${scope}::text IS NULL OR e.scope = ${scope}::text)
           AND (${endpoint}::text IS NULL OR e.endpoint = ${endpoint}::text)
           AND (${from}::timestamptz IS NULL OR e.at >= ${from}::timestamptz)
           AND (${to}::timestamptz IS NULL OR e.at < ${to}::timestamptz)
           AND (${before}::timestamptz IS NULL OR e.at < ${before}::timestamptz)
         ORDER BY e.at DESC
         LIMIT ${CLAIM_WINDOW}
      ), intents AS (
        SELECT c.scope, c.endpoint, c.key, max(c.at) AS newest FROM claims c
         -- an intent with a newer claim was listed on an earlier page (by that claim)
         WHERE ${before}::timestamptz IS NULL
            OR NOT EXISTS (SELECT 1 FROM ${events} x
                            WHERE x.scope = c.scope AND x.endpoint = c.endpoint AND x.key = c.key
                              AND x.kind = 'claimed' AND x.at >= ${before}::timestamptz
                              AND (${to}::timestamptz IS NULL OR x.at < ${to}::timestamptz))
         GROUP BY 1, 2, 3
      ), found AS (
        SELECT NULL::text AS id, i.scope, i.endpoint, i.key, h.outcome AS status, h.first_seen,
               h.last_seen, NULL::timestamptz AS expires_at, h.attempts, i.newest,
               to_char(i.newest AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS t_cursor
          FROM intents i CROSS JOIN LATERAL (${intentSummarySql(t, "i")}) h
         WHERE ${status}::text IS NULL OR h.outcome = ${status}::text
         ORDER BY i.newest DESC
         LIMIT ${limit + 1}
      )
      -- the page, and where the window of claims stopped when it was full (more may match)
      SELECT (SELECT json_agg(f ORDER BY f.newest DESC) FROM found f) AS rows,
             (SELECT CASE WHEN count(*) = ${CLAIM_WINDOW}
                          THEN to_char(min(c.at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END
                FROM claims c) AS window_end`),
  );
  const all: Row[] = (r.rows[0]?.rows ?? []).map((j) => ({
    ...j,
    first_seen: new Date(j.first_seen),
    last_seen: new Date(j.last_seen),
    expires_at: null,
  }));
  const rows = all.slice(0, limit);
  const last = rows[rows.length - 1];
  const next = all.length > limit && last?.t_cursor ? last.t_cursor : r.rows[0]?.window_end;
  return {
    items: rows.map(toItem),
    nextCursor: next ? encodeCursor({ m: "r", t: next, id: "0" }) : null,
  };
}
