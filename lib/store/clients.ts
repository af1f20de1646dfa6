// Clients (SPEC §3 "retries per client", §4.4): every client's totals over a range, sortable and
// keyset-paginated, from the collector's snapshot (lib/rollups/client-totals.ts); sparklines for
// the page shown; retry storms; one client's history and endpoints from its rollup rows.
import "server-only";
import type { Pool } from "pg";
import { z } from "zod";
import type {
  ClientCounts,
  ClientDetail,
  ClientEndpoint,
  ClientItem,
  ClientList,
  ClientRange,
  ClientSort,
  ClientStorm,
  SortDir,
} from "../api-types/clients";
import { decodeCursor, encodeCursor } from "../http/cursor";
import { CLIENT_RANGE_SQL } from "../rollups/client-totals";
import type { TableNames } from "../tables";

/** Sparkline and chart buckets per range: hourly up to a week, daily beyond. */
const SERIES_RESOLUTION: Record<ClientRange, "hour" | "day"> = {
  "24h": "hour",
  "7d": "hour",
  "30d": "day",
  "90d": "day",
};
const SECONDS = { hour: 3600, day: 86_400 } as const;
/** Sparkline points: a 120-pixel line needs no more than ~30 (hourly rows binned for 7 d). */
const SPARK_SECONDS: Record<ClientRange, number> = {
  "24h": 3600,
  "7d": 6 * 3600,
  "30d": 86_400,
  "90d": 3 * 86_400,
};

const SORT_SQL: Record<ClientSort, string> = {
  requests: "requests::float8",
  keys: "keys::float8",
  retriesPerKey: "coalesce(retries_per_key, -1)",
  conflicts: "conflicts::float8",
  mismatches: "mismatches::float8",
  scope: "0::float8", // the scope itself is the tie-breaker of every order
};

const cursorSchema = z.tuple([z.number().finite(), z.string().max(10_000)]);

type CountsRow = {
  requests: number;
  keys: number;
  replayed: number;
  reclaimed: number;
  conflicts: number;
  mismatches: number;
};

const COUNT_COLUMNS = `requests::float8 AS requests, keys::float8 AS keys, replayed::float8 AS replayed,
  reclaimed::float8 AS reclaimed, conflicts::float8 AS conflicts, mismatches::float8 AS mismatches`;
const SUM_COLUMNS = `coalesce(sum(requests), 0)::float8 AS requests, coalesce(sum(keys), 0)::float8 AS keys,
  coalesce(sum(replayed), 0)::float8 AS replayed, coalesce(sum(reclaimed), 0)::float8 AS reclaimed,
  coalesce(sum(conflicts), 0)::float8 AS conflicts, coalesce(sum(mismatches), 0)::float8 AS mismatches`;

function countsOf(r: CountsRow): ClientCounts {
  return {
    requests: r.requests,
    keys: r.keys,
    retriesPerKey: r.keys > 0 ? r.requests / r.keys : null,
    replayed: r.replayed,
    reclaimed: r.reclaimed,
    conflicts: r.conflicts,
    mismatches: r.mismatches,
  };
}

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

async function listStorms(db: Pool, t: TableNames, scopes?: string[]): Promise<ClientStorm[]> {
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

/** Bucket starts from `from` to the current bucket, on the database clock. */
async function bucketsFrom(db: Pool, from: string, res: "hour" | "day"): Promise<string[]> {
  const r = await db.query<{ t: Date }>(
    `SELECT generate_series(date_trunc($2, $1::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
                            date_trunc($2, now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
                            make_interval(secs => $3)) AS t`,
    [from, res, SECONDS[res]],
  );
  return r.rows.map((x) => x.t.toISOString());
}

type SeriesRow = CountsRow & { scope: string; bucket: Date };

async function seriesRows(
  db: Pool,
  t: TableNames,
  scopes: string[],
  res: "hour" | "day",
  from: string,
): Promise<SeriesRow[]> {
  const r = await db.query<SeriesRow>(
    `SELECT scope, bucket, ${COUNT_COLUMNS}
       FROM ${t.ownTable("rollup_clients")}
      WHERE scope = ANY($1) AND resolution = $2 AND endpoint = '*' AND bucket >= $3`,
    [scopes, res, from],
  );
  return r.rows;
}

/** Retries per key per sparkline bucket for the clients of one page (epoch seconds: no Dates). */
async function sparklines(
  db: Pool,
  t: TableNames,
  scopes: string[],
  res: "hour" | "day",
  from: string,
  step: number,
): Promise<{ buckets: string[]; lines: Map<string, (number | null)[]> }> {
  const [grid, rows] = await Promise.all([
    db.query<{ t: number }>(
      `SELECT extract(epoch FROM g)::float8 AS t
         FROM generate_series($1::timestamptz, now(), make_interval(secs => $2)) AS g`,
      [from, step],
    ),
    db.query<{ scope: string; t: number; requests: number; keys: number }>(
      `SELECT scope, extract(epoch FROM date_bin(make_interval(secs => $4), bucket, $3::timestamptz))::float8 AS t,
              sum(requests)::float8 AS requests, sum(keys)::float8 AS keys
         FROM ${t.ownTable("rollup_clients")}
        WHERE scope = ANY($1) AND resolution = $2 AND endpoint = '*' AND bucket >= $3
        GROUP BY 1, 2`,
      [scopes, res, from, step],
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

export type ClientListQuery = {
  range: ClientRange;
  sort: ClientSort;
  dir: SortDir;
  limit: number;
  cursor?: string;
};

export async function listClients(
  db: Pool,
  t: TableNames,
  q: ClientListQuery,
): Promise<Omit<ClientList, "unavailable">> {
  const r = t.ownTable;
  const after = q.cursor ? decodeCursor(q.cursor, cursorSchema) : null;
  const cmp = q.dir === "desc" ? "<" : ">";
  const order = q.dir === "desc" ? "DESC" : "ASC";
  const sortExpr = SORT_SQL[q.sort];
  const [state, page, storms] = await Promise.all([
    db.query<{ from: Date; asOf: Date; clients: number }>(
      `SELECT range_from AS from, computed_at AS "asOf", clients FROM ${r("client_range_state")} WHERE range = $1`,
      [q.range],
    ),
    db.query<CountsRow & { scope: string; sortValue: number }>(
      `SELECT scope, ${COUNT_COLUMNS}, ${sortExpr} AS "sortValue"
         FROM ${r("client_range_totals")}
        WHERE range = $1 AND ($2::float8 IS NULL OR (${sortExpr}, scope COLLATE "C") ${cmp} ($2, $3::text COLLATE "C"))
        ORDER BY ${sortExpr} ${order}, scope COLLATE "C" ${order}
        LIMIT $4`,
      [q.range, after?.[0] ?? null, after?.[1] ?? null, q.limit + 1],
    ),
    listStorms(db, t),
  ]);
  const s = state.rows[0];
  const rows = page.rows.slice(0, q.limit);
  const last = rows[rows.length - 1];
  const from = s?.from.toISOString() ?? null;
  const spark =
    from && rows.length
      ? await sparklines(
          db,
          t,
          rows.map((x) => x.scope),
          SERIES_RESOLUTION[q.range],
          from,
          SPARK_SECONDS[q.range],
        )
      : { buckets: [], lines: new Map<string, (number | null)[]>() };
  const buckets = spark.buckets;
  const sparklineOf = spark.lines;
  const stormOfScope = new Map(storms.map((x) => [x.scope, x]));
  const items: ClientItem[] = rows.map(({ scope, sortValue: _s, ...counts }) => ({
    scope,
    ...countsOf(counts),
    storm: stormOfScope.get(scope) ?? null,
    sparkline: sparklineOf.get(scope) ?? buckets.map(() => null),
  }));
  return {
    range: q.range,
    from,
    asOf: s?.asOf.toISOString() ?? null,
    sort: q.sort,
    dir: q.dir,
    totalClients: s?.clients ?? 0,
    items,
    nextCursor:
      page.rows.length > q.limit && last ? encodeCursor([last.sortValue, last.scope]) : null,
    storms,
    sparkline: { bucketSeconds: SPARK_SECONDS[q.range], buckets },
  };
}

/** One client over a range; null when nothing of it is recorded at all. */
export async function getClientDetail(
  db: Pool,
  t: TableNames,
  scope: string,
  range: ClientRange,
): Promise<ClientDetail | null> {
  const r = t.ownTable;
  const known = await db.query(`SELECT 1 FROM ${r("rollup_clients")} WHERE scope = $1 LIMIT 1`, [
    scope,
  ]);
  if (!known.rowCount) return null;
  const res = SERIES_RESOLUTION[range];
  // the chart's first bucket: the range's start, at the chart's resolution
  const fromRow = await db.query<{ from: Date; dayFrom: Date }>(
    `SELECT (${CLIENT_RANGE_SQL[range].from}) AS from,
            date_trunc('day', (${CLIENT_RANGE_SQL[range].from}) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS "dayFrom"`,
  );
  const from = (fromRow.rows[0] as { from: Date }).from.toISOString();
  const dayFrom = (fromRow.rows[0] as { dayFrom: Date }).dayFrom.toISOString();
  const [buckets, rows, endpoints, baseline, storms] = await Promise.all([
    bucketsFrom(db, from, res),
    seriesRows(db, t, [scope], res, from),
    db.query<CountsRow & { endpoint: string }>(
      `SELECT endpoint, ${SUM_COLUMNS} FROM ${r("rollup_clients")}
        WHERE scope = $1 AND resolution = 'day' AND endpoint <> '*' AND bucket >= $2
        GROUP BY endpoint ORDER BY sum(requests) DESC, endpoint`,
      [scope, dayFrom],
    ),
    db.query<{ rate: number | null }>(
      `SELECT sum(requests)::float8 / nullif(sum(keys), 0) AS rate FROM ${r("rollup_clients")}
        WHERE scope = $1 AND resolution = 'hour' AND endpoint = '*'
          AND bucket >= now() - interval '7 days' AND bucket < now() - interval '1 hour'`,
      [scope],
    ),
    listStorms(db, t, [scope]),
  ]);
  const byBucket = new Map(rows.map((x) => [x.bucket.toISOString(), x]));
  const zero: CountsRow = {
    requests: 0,
    keys: 0,
    replayed: 0,
    reclaimed: 0,
    conflicts: 0,
    mismatches: 0,
  };
  const series = buckets.map((b) => {
    const c = countsOf(byBucket.get(b) ?? zero);
    return {
      t: b,
      requests: c.requests,
      keys: c.keys,
      retriesPerKey: c.retriesPerKey,
      conflicts: c.conflicts,
      mismatches: c.mismatches,
    };
  });
  const total = rows.reduce<CountsRow>(
    (acc, x) => ({
      requests: acc.requests + x.requests,
      keys: acc.keys + x.keys,
      replayed: acc.replayed + x.replayed,
      reclaimed: acc.reclaimed + x.reclaimed,
      conflicts: acc.conflicts + x.conflicts,
      mismatches: acc.mismatches + x.mismatches,
    }),
    zero,
  );
  return {
    scope,
    range,
    from,
    totals: countsOf(total),
    storm: storms[0] ?? null,
    baselineRetriesPerKey: baseline.rows[0]?.rate ?? null,
    bucketSeconds: SECONDS[res],
    series,
    endpointsFrom: dayFrom,
    endpoints: endpoints.rows.map(({ endpoint, ...c }): ClientEndpoint => ({
      endpoint,
      ...countsOf(c),
    })),
  };
}
