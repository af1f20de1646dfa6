// The audit log of operator actions, newest first, filtered by actor and key, keyset-paginated.
import "server-only";
import type { StoreContext } from "../../contract/context";
import type { AuditEntry, AuditPage } from "../../client/api-types/actions";
import { encodeCursor } from "../../core/cursor";

export type AuditFilter = {
  actor?: string;
  /** the client's key string, exactly */
  key?: string;
  keyId?: string;
  action?: "release" | "fail" | "reveal" | "reconcile";
  batchId?: string;
};

/** Position after the last row of a page: (at, id) of that row, at in microseconds. */
export type AuditCursor = { at: string; id: string };

type Row = Omit<AuditEntry, "at"> & { at: Date; cursorAt: string };

export async function listAudit(
  ctx: StoreContext,
  filter: AuditFilter,
  page: { limit: number; cursor?: AuditCursor },
): Promise<AuditPage> {
  const { db, tables: t } = ctx;
  const r = await db.query<Row>(
    `SELECT id::text, at, actor, actor_role AS "actorRole", auth_method AS "authMethod", action,
            key_id::text AS "keyId", scope, endpoint, key, reason, before, after,
            batch_id::text AS "batchId",
            to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"
       FROM ${t.ownTable("audit_log")}
      WHERE ($1::text IS NULL OR actor = $1)
        AND ($2::text IS NULL OR key = $2)
        AND ($3::bigint IS NULL OR key_id = $3)
        AND ($4::text IS NULL OR action = $4)
        AND ($5::uuid IS NULL OR batch_id = $5)
        AND ($6::timestamptz IS NULL OR (at, id) < ($6, $7::bigint))
      ORDER BY at DESC, id DESC
      LIMIT $8`,
    [
      filter.actor ?? null,
      filter.key ?? null,
      filter.keyId ?? null,
      filter.action ?? null,
      filter.batchId ?? null,
      page.cursor?.at ?? null,
      page.cursor?.id ?? null,
      page.limit + 1,
    ],
  );
  const more = r.rows.length > page.limit;
  const rows = r.rows.slice(0, page.limit);
  const last = rows[rows.length - 1];
  return {
    items: rows.map(({ cursorAt: _c, at, ...rest }) => ({ ...rest, at: at.toISOString() })),
    nextCursor: more && last ? encodeCursor({ at: last.cursorAt, id: last.id }) : null,
  };
}
