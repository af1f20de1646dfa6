// Clients in a retry storm now, from the collector's storm table, with their explanation; and
// the storms earlier in a range, from the hours that held one.
import "server-only";
import type { StoreContext } from "../../contract/context";
import type { ClientStorm, PastStorm } from "../../client/api-types/clients";

type StormRow = {
  scope: string;
  since: Date;
  factor: number;
  currentRate: number;
  baselineRate: number;
  windowRequests: number;
  windowMinutes: number;
};

function stormOf(r: StormRow): ClientStorm {
  const hhmm = r.since.toISOString().slice(11, 16);
  return {
    scope: r.scope,
    since: r.since.toISOString(),
    factor: r.factor,
    currentRate: r.currentRate,
    baselineRate: r.baselineRate,
    windowRequests: r.windowRequests,
    windowMinutes: r.windowMinutes,
    explanation:
      `retry rate ${r.factor.toFixed(1)}× its 7-day baseline since ${hhmm} UTC ` +
      `(${r.currentRate.toFixed(1)} requests per key over the last ${r.windowMinutes} min, ` +
      `usually ${r.baselineRate.toFixed(2)})`,
  };
}

export async function listStorms(ctx: StoreContext, scopes?: string[]): Promise<ClientStorm[]> {
  const { db, tables: t } = ctx;
  const r = await db.query<StormRow>(
    `SELECT scope, since, factor, current_rate AS "currentRate", baseline_rate AS "baselineRate",
            window_requests::float8 AS "windowRequests", window_minutes AS "windowMinutes"
       FROM ${t.ownTable("client_storms")}
      WHERE $1::text[] IS NULL OR scope = ANY($1)
      ORDER BY factor DESC, scope`,
    [scopes ?? null],
  );
  return r.rows.map(stormOf);
}

/** Clients with storm hours since `from` (lib/fold/storm-history.ts), worst first: an index range. */
export async function listPastStorms(ctx: StoreContext, from: Date): Promise<PastStorm[]> {
  const r = await ctx.db.query<{ scope: string; hours: number; peak: number; last: Date }>(
    `SELECT scope, count(*)::int AS hours, max(factor) AS peak, max(hour) AS last
       FROM ${ctx.tables.ownTable("client_storm_hours")}
      WHERE hour >= $1
      GROUP BY scope ORDER BY max(factor) DESC, scope LIMIT 100`,
    [from],
  );
  return r.rows.map((x) => ({
    scope: x.scope,
    hours: x.hours,
    peakFactor: x.peak,
    lastHour: x.last.toISOString(),
  }));
}
