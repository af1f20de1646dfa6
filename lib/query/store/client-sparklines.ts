// Retries-per-key sparklines for one page of the Clients list.
import "server-only";
import { ALL_ENDPOINTS, CLIENT_RES } from "../../fold/client-rows";
import type { StoreContext } from "../../contract/context";
import type { ClientRange } from "../../client/api-types/clients";

/**
 * Sparkline points per range: hourly for a day, daily beyond (90 d: 3-day bins). Day rows for a
 * week keep a page of 50 sparklines at a few hundred rows instead of 8,400 hourly ones.
 */
export const SPARK: Record<ClientRange, { res: "hour" | "day"; step: number }> = {
  "24h": { res: "hour", step: 3600 },
  "7d": { res: "day", step: 86_400 },
  "30d": { res: "day", step: 86_400 },
  "90d": { res: "day", step: 3 * 86_400 },
};

/** Retries per key per sparkline bucket for the clients of one page (epoch seconds: no Dates). */
export async function sparklines(
  ctx: StoreContext,
  scopes: string[],
  res: "hour" | "day",
  from: string,
  step: number,
): Promise<{ buckets: string[]; lines: Map<string, (number | null)[]> }> {
  const { db, tables: t } = ctx;
  const [grid, rows] = await Promise.all([
    db.query<{ t: number }>(
      `SELECT extract(epoch FROM g)::float8 AS t
         FROM generate_series($1::timestamptz, now(), make_interval(secs => $2)) AS g`,
      [from, step],
    ),
    db.query<{ scope: string; t: number; requests: number; keys: number }>(
      `SELECT n.scope, extract(epoch FROM date_bin(make_interval(secs => $4), x.bucket, $3::timestamptz))::float8 AS t,
              sum(x.requests)::float8 AS requests, sum(x.keys)::float8 AS keys
         FROM ${t.ownTable("client_names")} n JOIN ${t.ownTable("rollup_clients")} x ON x.client = n.id
        WHERE n.scope = ANY($1) AND x.resolution = $2 AND x.endpoint = ${ALL_ENDPOINTS} AND x.bucket >= $3
        GROUP BY 1, 2`,
      [scopes, CLIENT_RES[res], from, step],
    ),
  ]);
  const index = new Map(grid.rows.map((g, i) => [g.t, i]));
  const lines = new Map<string, (number | null)[]>();
  for (const p of rows.rows) {
    let line = lines.get(p.scope);
    if (!line) lines.set(p.scope, (line = grid.rows.map(() => null)));
    const i = index.get(p.t);
    if (i !== undefined) line[i] = p.keys > 0 ? p.requests / p.keys : null;
  }
  return { buckets: grid.rows.map((g) => new Date(g.t * 1000).toISOString()), lines };
}
