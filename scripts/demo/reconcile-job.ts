// The demo's reconciliation job: the morning after the bad deploy (backfill.ts, INCIDENTS), the
// finance team's job refunded its duplicate charges with an operator token, through the same
// audited action as the Duplicates page. Its rows are dated that morning, as the job would have
// written them; every other duplicate stays open for the page, Trends and the overdue alert.
import type { Pool } from "pg";
import { reconcileDuplicates } from "../../lib/act/reconcile";
import type { Config } from "../../lib/core/config";
import { writeContextOf } from "../../lib/contract/context";
import type { TableNames } from "../../lib/contract/tables";
import { INCIDENTS } from "./backfill";

const NIGHTLY = {
  name: "token:finance-reconciliation",
  role: "operator" as const,
  method: "token" as const,
  email: null,
  groups: [],
  ambient: false,
};

export async function reconcileBadDeploy(pool: Pool, t: TableNames, cfg: Config): Promise<number> {
  const d = INCIDENTS.badDeploy;
  const day = `date_trunc('day', now() - interval '${d.daysAgo} days')`;
  const dups = await pool.query<{ intent: string }>(
    `SELECT intent::text FROM ${t.ownTable("duplicate_intents")}
      WHERE first_request_at >= ${day} + interval '${d.fromHour} hours'
        AND first_request_at < ${day} + interval '${d.toHour} hours'`,
  );
  if (!dups.rowCount) return 0;
  const r = await reconcileDuplicates(writeContextOf(pool, t, cfg), NIGHTLY, {
    intents: dups.rows.map((x) => x.intent),
    outcome: "refunded",
    reason: "v141 double charges refunded (rollback post-mortem)",
    externalRef: "PM-141",
  });
  // written the morning after, as the job ran then
  const morning = `${day} + interval '1 day 7 hours'`;
  await pool.query(
    `WITH r AS (UPDATE ${t.ownTable("reconciliations")} SET at = ${morning}
                 WHERE intent = ANY($1::uuid[]) RETURNING audit_id)
     UPDATE ${t.ownTable("audit_log")} SET at = ${morning} WHERE id IN (SELECT audit_id FROM r)`,
    [r.reconciled],
  );
  return r.reconciled.length;
}
