// Revealing a stored response (docs/operations.md, "Tracing one key"): operators only, and never without its audit row —
// both in one transaction, so a body is never shown unaudited.
import "server-only";
import type { WriteContext } from "../contract/context";
import { assertOperator } from "../auth/authorize";
import type { Identity } from "../auth/identity";
import { DomainError } from "../core/errors";
import { inTransaction } from "../db/pool";

export type RevealedResponse = { responseCode: number | null; body: unknown; auditId: string };

export async function revealResponse(
  ctx: WriteContext,
  input: { id: string; reason: string; actor: Identity | null },
): Promise<RevealedResponse> {
  const { db: pool, tables: t, config: cfg } = ctx;
  const actor = input.actor;
  assertOperator(actor, cfg.auth);
  return inTransaction(pool, async (c) => {
    const r = await c.query<{ body: unknown; code: number | null; audit_id: string }>(
      `WITH k AS (
         SELECT id, scope, endpoint, key, response_body, response_code
           FROM ${t.keys} WHERE id = $1 AND response_body IS NOT NULL
       ), audit AS (
         INSERT INTO ${t.ownTable("audit_log")}
           (actor, actor_role, auth_method, action, key_id, scope, endpoint, key, reason, after)
         SELECT $2, $3, $4, 'reveal', id, scope, endpoint, key, $5,
                -- rounded as the key page shows it: the audit is read by viewers too
                jsonb_build_object('responseCode', response_code,
                                   'responseBytesApprox', greatest(64, ceil(octet_length(response_body::text) / 64.0)::int * 64))
           FROM k
         RETURNING id
       )
       SELECT k.response_body AS body, k.response_code AS code, a.id::text AS audit_id
         FROM k CROSS JOIN audit a`,
      [input.id, actor.name, actor.role, actor.method, input.reason],
    );
    const row = r.rows[0];
    if (!row) {
      const exists = await c.query(`SELECT 1 FROM ${t.keys} WHERE id = $1`, [input.id]);
      throw new DomainError(
        "not_found",
        "not_found",
        exists.rowCount ? "This key has no stored response (yet)." : `No key with id ${input.id}.`,
      );
    }
    return { responseCode: row.code, body: row.body, auditId: row.audit_id };
  });
}
