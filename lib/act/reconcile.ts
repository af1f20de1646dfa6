// Marking duplicate successes reconciled (docs/operations.md, "Reconciling duplicates"): the
// operator role checked here, each reconciliation written with its audit row in one statement,
// after the intents are locked, so that two operators never reconcile one twice.
import "server-only";
import type { ReconcileOutcome, ReconcileResult } from "../client/api-types/reconciliation";
import { assertOperator } from "../auth/authorize";
import type { Identity } from "../auth/identity";
import type { WriteContext } from "../contract/context";
import { inTransaction } from "../db/pool";

export type ReconcileInput = {
  intents: string[];
  outcome: ReconcileOutcome;
  reason: string;
  externalRef?: string;
};

export async function reconcileDuplicates(
  ctx: WriteContext,
  actor: Identity | null,
  input: ReconcileInput,
): Promise<ReconcileResult> {
  assertOperator(actor, ctx.config.auth);
  const { tables: t } = ctx;
  const dups = t.ownTable("duplicate_intents");
  const recs = t.ownTable("reconciliations");
  const ids = [...new Set(input.intents)];
  return inTransaction(ctx.db, async (c) => {
    // locked first: a concurrent reconcile of the same intents waits, then sees ours below
    const known = await c.query<{ intent: string }>(
      `SELECT intent::text FROM ${dups} WHERE intent = ANY($1::uuid[]) ORDER BY intent FOR UPDATE`,
      [ids],
    );
    const r = await c.query<{ intent: string }>(
      `WITH target AS (
         SELECT d.* FROM ${dups} d
          WHERE d.intent = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM ${recs} r WHERE r.intent = d.intent)),
       audit AS (
         INSERT INTO ${t.ownTable("audit_log")} (actor, actor_role, auth_method, action, scope, endpoint, key, reason, before, after)
         SELECT $2, $3, $7, 'reconcile', scope, endpoint, key, $5,
                jsonb_build_object('status', 'open', 'successes', successes),
                jsonb_build_object('status', 'reconciled', 'outcome', $4::text, 'externalRef', $6::text)
           FROM target
         RETURNING id, scope, endpoint, key)
       INSERT INTO ${recs} (intent, scope, endpoint, key, outcome, reason, external_ref, actor, audit_id)
       SELECT t.intent, t.scope, t.endpoint, t.key, $4, $5, $6, $2, a.id
         FROM target t JOIN audit a USING (scope, endpoint, key)
       RETURNING intent::text`,
      [
        ids,
        actor.name,
        actor.role,
        input.outcome,
        input.reason,
        input.externalRef ?? null,
        actor.method,
      ],
    );
    const done = new Set(r.rows.map((row) => row.intent));
    const found = new Set(known.rows.map((row) => row.intent));
    return {
      reconciled: [...done],
      alreadyReconciled: ids.filter((i) => found.has(i) && !done.has(i)),
      unknown: ids.filter((i) => !found.has(i)),
    };
  });
}
