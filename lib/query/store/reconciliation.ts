// Duplicate successes and their reconciliation (metric M5): the list, the open ones' count and
// age, reconciliations per month (docs/store-contract.md, "Reconciliation").
import "server-only";
import { z } from "zod";
import type {
  DuplicateList,
  DuplicateOrder,
  DuplicateSuccess,
  Reconciliation,
  ReconciliationMonth,
} from "../../client/api-types/reconciliation";
import { decodeCursor, encodeCursor } from "../../core/cursor";
import type { Queryable, StoreContext } from "../../contract/context";
import type { TableNames } from "../../contract/tables";
import type { Config } from "../../core/config";

type Row = Omit<DuplicateSuccess, "firstRequestAt" | "reconciliation" | "amount"> & {
  firstRequestAt: Date | null;
  amount: number | null;
  currency: string | null;
  outcome: Reconciliation["outcome"] | null;
  reason: string | null;
  externalRef: string | null;
  actor: string | null;
  at: Date | null;
  auditId: string | null;
};

const DUPLICATE_COLUMNS = `d.intent::text AS intent, d.scope, d.endpoint, d.key, d.successes,
  d.amount::float8 AS amount, d.currency,
  d.first_request_at AS "firstRequestAt", r.outcome, r.reason, r.external_ref AS "externalRef",
  r.actor, r.at, r.audit_id::text AS "auditId"`;

export { RECONCILE_CAP } from "../../client/api-types/reconciliation";

export type DuplicatesQuery = {
  status: DuplicateList["status"];
  limit: number;
  /** oldest first (the most overdue: a work queue's order), newest first, or largest amount */
  order?: DuplicateOrder;
  client?: string;
  endpoint?: string;
  cursor?: string;
};

// one keyset position for every order: the order's value as text (a time or an amount), then
// the intent; the amount's NULLs sort last as -Infinity
const cursorSchema = z.object({ v: z.string().max(80), i: z.guid() });
const ORDERS: Record<DuplicateOrder, { key: string; cmp: "<" | ">"; dir: "ASC" | "DESC" }> = {
  oldest: { key: "coalesce(d.first_request_at, 'infinity')", cmp: ">", dir: "ASC" },
  newest: { key: "coalesce(d.first_request_at, '-infinity')", cmp: "<", dir: "DESC" },
  amount: { key: "coalesce(d.amount, '-Infinity'::numeric)", cmp: "<", dir: "DESC" },
};

export async function listDuplicates(
  ctx: StoreContext,
  q: DuplicatesQuery,
): Promise<DuplicateList> {
  const { db, tables: t } = ctx;
  const order = ORDERS[q.order ?? "oldest"];
  const after = q.cursor ? decodeCursor(q.cursor, cursorSchema) : null;
  const cast = q.order === "amount" ? "numeric" : "timestamptz";
  // (small tables: one row per intent that ever succeeded twice, and its reconciliation)
  const filter = `($1 = 'all' OR ($1 = 'open') = (r.intent IS NULL))
        AND ($2::text IS NULL OR d.scope = $2) AND ($3::text IS NULL OR d.endpoint = $3)`;
  const [page, matching] = await Promise.all([
    db.query<Row & { pos: string }>(
      `SELECT ${DUPLICATE_COLUMNS}, ${order.key}::text AS pos
         FROM ${t.ownTable("duplicate_intents")} d
         LEFT JOIN ${t.ownTable("reconciliations")} r USING (intent)
        WHERE ${filter}
          AND ($4::text IS NULL OR (${order.key}, d.intent) ${order.cmp} ($4::${cast}, $5::uuid))
        ORDER BY ${order.key} ${order.dir}, d.intent ${order.dir}
        LIMIT $6`,
      [
        q.status,
        q.client ?? null,
        q.endpoint ?? null,
        after?.v ?? null,
        after?.i ?? null,
        q.limit + 1,
      ],
    ),
    db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${t.ownTable("duplicate_intents")} d
         LEFT JOIN ${t.ownTable("reconciliations")} r USING (intent) WHERE ${filter}`,
      [q.status, q.client ?? null, q.endpoint ?? null],
    ),
  ]);
  const rows = page.rows.slice(0, q.limit);
  const last = rows.at(-1);
  return {
    status: q.status,
    order: q.order ?? "oldest",
    items: rows.map(toDuplicate),
    matching: matching.rows[0]!.n,
    nextCursor:
      page.rows.length > q.limit && last ? encodeCursor({ v: last.pos, i: last.intent }) : null,
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
    amount: row.amount === null ? null : { value: row.amount, currency: row.currency ?? "" },
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
