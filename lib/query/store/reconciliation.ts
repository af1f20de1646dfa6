// Duplicate successes and their reconciliation (metric M5): the list, the open ones' count and
// age, reconciliations per month (docs/store-contract.md, "Reconciliation").
import "server-only";
import type {
  DuplicateList,
  DuplicateSuccess,
  Reconciliation,
  ReconciliationMonth,
} from "../../client/api-types/reconciliation";
import type { Queryable, StoreContext } from "../../contract/context";
import type { TableNames } from "../../contract/tables";
import type { Config } from "../../core/config";

type Row = Omit<DuplicateSuccess, "firstRequestAt" | "reconciliation"> & {
  firstRequestAt: Date | null;
  outcome: Reconciliation["outcome"] | null;
  reason: string | null;
  externalRef: string | null;
  actor: string | null;
  at: Date | null;
  auditId: string | null;
};

const DUPLICATE_COLUMNS = `d.intent::text AS intent, d.scope, d.endpoint, d.key, d.successes,
  d.first_request_at AS "firstRequestAt", r.outcome, r.reason, r.external_ref AS "externalRef",
  r.actor, r.at, r.audit_id::text AS "auditId"`;

/** Intents one reconciliation may mark at once. */
export const RECONCILE_CAP = 500;

export async function listDuplicates(
  ctx: StoreContext,
  q: { status: DuplicateList["status"]; limit: number },
): Promise<DuplicateList> {
  const { db, tables: t } = ctx;
  const r = await db.query<Row>(
    `SELECT ${DUPLICATE_COLUMNS}
       FROM ${t.ownTable("duplicate_intents")} d
       LEFT JOIN ${t.ownTable("reconciliations")} r USING (intent)
      WHERE $1 = 'all' OR ($1 = 'open') = (r.intent IS NULL)
      ORDER BY d.first_request_at DESC NULLS LAST, d.intent
      LIMIT $2`,
    [q.status, q.limit],
  );
  return {
    status: q.status,
    items: r.rows.map(toDuplicate),
    open: {
      ...(await openDuplicates(db, t, overdueBefore(ctx.config))),
      withinHours: ctx.config.reconcileWithinHours,
    },
  };
}

/** One intent's duplicate success and its reconciliation, by its id; null: it succeeded once. */
export async function duplicateOfIntent(
  db: Queryable,
  t: TableNames,
  intent: { scope: string; endpoint: string; key: string },
): Promise<DuplicateSuccess | null> {
  // the collector's intent id (lib/fold/fold-intents.ts, intentHash): a primary-key read
  const r = await db.query<Row>(
    `SELECT ${DUPLICATE_COLUMNS}
       FROM ${t.ownTable("duplicate_intents")} d
       LEFT JOIN ${t.ownTable("reconciliations")} r USING (intent)
      WHERE d.intent = md5(ROW($1::text, $2::text, $3::text)::text)::uuid`,
    [intent.scope, intent.endpoint, intent.key],
  );
  return r.rows[0] ? toDuplicate(r.rows[0]) : null;
}

function toDuplicate(row: Row): DuplicateSuccess {
  return {
    intent: row.intent,
    scope: row.scope,
    endpoint: row.endpoint,
    key: row.key,
    successes: row.successes,
    firstRequestAt: (row.firstRequestAt ?? new Date(0)).toISOString(),
    reconciliation:
      row.outcome && row.at
        ? {
            outcome: row.outcome,
            reason: row.reason ?? "",
            externalRef: row.externalRef,
            actor: row.actor ?? "",
            at: row.at.toISOString(),
            auditId: row.auditId ?? "",
          }
        : null,
  };
}

/** When an open duplicate success becomes overdue: its first request this long ago. */
export const overdueBefore = (cfg: Pick<Config, "reconcileWithinHours">, now = Date.now()) =>
  new Date(now - cfg.reconcileWithinHours * 3_600_000);

/**
 * Open duplicate successes: how many, the first request of the oldest, and how many are overdue
 * (first requested before `overdueBefore`; the page, the API and /api/metrics count them alike).
 */
export async function openDuplicates(
  db: Queryable,
  t: TableNames,
  overdueBefore: Date,
): Promise<{ count: number; oldestFirstRequestAt: string | null; overdue: number }> {
  const r = await db.query<{ count: number; oldest: Date | null; overdue: number }>(
    `SELECT count(*)::int AS count, min(d.first_request_at) AS oldest,
            count(*) FILTER (WHERE d.first_request_at < $1)::int AS overdue
       FROM ${t.ownTable("duplicate_intents")} d
      WHERE NOT EXISTS (SELECT 1 FROM ${t.ownTable("reconciliations")} r WHERE r.intent = d.intent)`,
    [overdueBefore],
  );
  const row = r.rows[0]!;
  return {
    count: row.count,
    oldestFirstRequestAt: row.oldest?.toISOString() ?? null,
    overdue: row.overdue,
  };
}

/** Reconciliations per calendar month (UTC), the last `months`, oldest first, zeros included. */
export async function reconciliationsPerMonth(
  db: Queryable,
  t: TableNames,
  months = 12,
): Promise<ReconciliationMonth[]> {
  const r = await db.query<ReconciliationMonth>(
    `SELECT to_char(m, 'YYYY-MM') AS month, count(r.intent)::int AS reconciliations
       FROM generate_series(date_trunc('month', now() AT TIME ZONE 'UTC') - make_interval(months => $1 - 1),
                            date_trunc('month', now() AT TIME ZONE 'UTC'), interval '1 month') m
       LEFT JOIN ${t.ownTable("reconciliations")} r
         ON r.at AT TIME ZONE 'UTC' >= m AND r.at AT TIME ZONE 'UTC' < m + interval '1 month'
      GROUP BY m ORDER BY m`,
    [months],
  );
  return r.rows;
}
