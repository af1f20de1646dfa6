// What key search's two readers share (./key-search.ts, ./key-search-spans.ts): the search, its
// cursors, one found intent as a row and as the API's item, and an intent summed up from its events.
import "server-only";
import { identifier, keyword, sql, type SqlFragment } from "../../db/sql";
import type { KeySearchItem, KeySearchPage, KeyStatus } from "../../client/api-types/keys";
import type { TableNames } from "../../contract/tables";

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

export type Row = {
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

export function toItem(r: Row): KeySearchItem {
  return {
    id: r.id,
    scope: r.scope,
    endpoint: r.endpoint,
    key: r.key,
    status: r.status,
    firstSeenAt: r.first_seen.toISOString(),
    lastSeenAt: r.last_seen.toISOString(),
    // a library that never expires its keys says 'infinity' (Medusa v1): no expiry
    expiresAt:
      r.expires_at instanceof Date && Number.isFinite(r.expires_at.getTime())
        ? r.expires_at.toISOString()
        : null,
    attempts: r.attempts,
  };
}

/**
 * What an intent's events say of it (`alias` names its scope, endpoint and key): first and last
 * seen, its requests, and its last outcome (in progress until one is recorded).
 */
export function intentSummarySql(t: TableNames, alias: string): SqlFragment {
  const a = keyword(alias);
  return sql`
    SELECT min(at) AS first_seen, max(at) AS last_seen,
           (count(*) FILTER (WHERE kind IN ('claimed', 'reclaimed', 'replayed', 'conflict', 'mismatch')))::int AS attempts,
           coalesce((array_agg(kind ORDER BY at DESC) FILTER (WHERE kind IN ('completed', 'failed')))[1],
                    'in_progress') AS outcome
      FROM ${identifier(t.events)} x WHERE x.scope = ${a}.scope AND x.endpoint = ${a}.endpoint AND x.key = ${a}.key`;
}

export type FoundKeys = Omit<KeySearchPage, "slow">;
