// Small factories for raw contract rows at chosen times (for exact-number tests).
import type { Pool } from "pg";
import type { TableNames } from "../../lib/contract/tables";
import type { EventKind } from "../../lib/ingest/writer/types";

export type RawEvent = {
  secondsAgo: number;
  scope: string;
  endpoint: string;
  key: string;
  kind: EventKind;
  responseCode?: number;
  latencyMs?: number;
};

export async function insertEvents(pool: Pool, t: TableNames, events: RawEvent[]): Promise<void> {
  for (const e of events) {
    await pool.query(
      `INSERT INTO ${t.events} (at, scope, endpoint, key, kind, response_code, latency_ms, instance)
       VALUES (now() - make_interval(secs => $1), $2, $3, $4, $5, $6, $7, 'test')`,
      [
        e.secondsAgo,
        e.scope,
        e.endpoint,
        e.key,
        e.kind,
        e.responseCode ?? null,
        e.latencyMs ?? null,
      ],
    );
  }
}

export type KeyState = {
  scope?: string;
  endpoint: string;
  key: string;
  status: "in_progress" | "completed" | "failed";
  lockedSecondsAgo: number | null;
  updatedSecondsAgo?: number;
};

export async function insertKey(pool: Pool, t: TableNames, k: KeyState): Promise<string> {
  const r = await pool.query<{ id: string }>(
    `INSERT INTO ${t.keys} (scope, endpoint, key, request_hash, status, locked_at, lock_owner,
                             updated_at, expires_at)
     VALUES ($1, $2, $3, 'h', $4,
             CASE WHEN $5::float8 IS NULL THEN NULL ELSE now() - make_interval(secs => $5::float8) END,
             CASE WHEN $5::float8 IS NULL THEN NULL ELSE 'web-9' END,
             now() - make_interval(secs => $6), now() + interval '1 day')
     RETURNING id`,
    [k.scope ?? "acme", k.endpoint, k.key, k.status, k.lockedSecondsAgo, k.updatedSecondsAgo ?? 0],
  );
  return r.rows[0]!.id;
}
