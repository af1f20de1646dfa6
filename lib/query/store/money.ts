// The money in duplicate successes (docs/store-contract.md, "Money in duplicates"): what each
// extra success moved (amount × (successes − 1)), as the collector priced it, open or reconciled,
// per day, per month and per currency. Reads duplicate_intents (a few rows), never responses.
import "server-only";
import type { MoneyAmount, MoneyInDuplicates } from "../../client/api-types/money";
import type { StoreContext } from "../../contract/context";

export async function getMoneyInDuplicates(
  ctx: StoreContext,
  days: number,
): Promise<MoneyInDuplicates> {
  const { db, tables: t, config } = ctx;
  const configured = [...config.amountPaths.keys()].sort();
  const d = t.ownTable("duplicate_intents");
  const money = `(d.amount * (d.successes - 1))`;
  const split = `coalesce(sum(${money}) FILTER (WHERE r.intent IS NULL), 0)::float8 AS open,
                 coalesce(sum(${money}) FILTER (WHERE r.intent IS NOT NULL), 0)::float8 AS reconciled`;
  const from = `${d} d LEFT JOIN ${t.ownTable("reconciliations")} r USING (intent)`;
  const [perDay, perMonth, endpoints, unpriced] = await Promise.all([
    db.query<{ day: string } & MoneyAmount>(
      `SELECT to_char(d.first_request_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, d.currency, ${split}
         FROM ${from}
        WHERE d.amount IS NOT NULL AND d.first_request_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - make_interval(days => $1 - 1)
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [days],
    ),
    db.query<{ month: string } & MoneyAmount>(
      `SELECT to_char(d.first_request_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, d.currency, ${split}
         FROM ${from}
        WHERE d.amount IS NOT NULL AND d.first_request_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '11 months'
        GROUP BY 1, 2 ORDER BY 1, 2`,
    ),
    db.query<{ endpoint: string }>(`SELECT DISTINCT endpoint FROM ${d} ORDER BY 1`),
    db.query<{ n: number; reasons: string[] }>(
      `SELECT count(*)::int AS n, coalesce(array_agg(DISTINCT amount_note) FILTER (WHERE amount_note IS NOT NULL), '{}') AS reasons
         FROM ${d} WHERE amount IS NULL AND endpoint = ANY($1)`,
      [configured],
    ),
  ]);
  const totals = new Map<string, MoneyAmount>();
  for (const row of perDay.rows) {
    const x = totals.get(row.currency) ?? { currency: row.currency, open: 0, reconciled: 0 };
    x.open += row.open;
    x.reconciled += row.reconciled;
    totals.set(row.currency, x);
  }
  return {
    configured,
    notConfigured: endpoints.rows.map((r) => r.endpoint).filter((e) => !config.amountPaths.has(e)),
    unavailable: t.source.preset.amounts === true ? null : t.source.preset.amounts,
    unpriced: { count: unpriced.rows[0]?.n ?? 0, reasons: unpriced.rows[0]?.reasons ?? [] },
    days: perDay.rows,
    months: perMonth.rows,
    totals: [...totals.values()].sort((a, b) => b.open + b.reconciled - (a.open + a.reconciled)),
  };
}
