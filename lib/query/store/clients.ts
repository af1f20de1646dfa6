// Clients (docs/store-contract.md: "retries per client", §4.4): every client's totals over a range, sortable and
// keyset-paginated, from the collector's snapshot (lib/fold/client-totals.ts); sparklines for
// the page shown; retry storms; one client's history and endpoints from its rollup rows.
import "server-only";
import type { Queryable, StoreContext } from "../../contract/context";
import { z } from "zod";
import type {
  ClientCounts,
  ClientDetail,
  ClientEndpoint,
  ClientItem,
  ClientList,
  ClientRange,
  ClientSort,
  SortDir,
} from "../../client/api-types/clients";
import { decodeCursor, encodeCursor } from "../../core/cursor";
import { ALL_ENDPOINTS, CLIENT_RES } from "../../fold/client-rows";
import { CLIENT_RANGE_SQL } from "../../fold/client-totals";
import { SPARK, sparklines } from "./client-sparklines";
import { listPastStorms, listStorms } from "./client-storms";
import type { TableNames } from "../../contract/tables";

/** Sparkline and chart buckets per range: hourly up to a week, daily beyond. */
const SERIES_RESOLUTION: Record<ClientRange, "hour" | "day"> = {
  "24h": "hour",
  "7d": "hour",
  "30d": "day",
  "90d": "day",
};
const SECONDS = { hour: 3600, day: 86_400 } as const;
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

/** Bucket starts from `from` to the current bucket, on the database clock. */
async function bucketsFrom(db: Queryable, from: string, res: "hour" | "day"): Promise<string[]> {
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
  db: Queryable,
  t: TableNames,
  scopes: string[],
  res: "hour" | "day",
  from: string,
): Promise<SeriesRow[]> {
  const r = await db.query<SeriesRow>(
    `SELECT n.scope, x.bucket, ${COUNT_COLUMNS}
       FROM ${t.ownTable("client_names")} n JOIN ${t.ownTable("rollup_clients")} x ON x.client = n.id
      WHERE n.scope = ANY($1) AND x.resolution = $2 AND x.endpoint = ${ALL_ENDPOINTS} AND x.bucket >= $3`,
    [scopes, CLIENT_RES[res], from],
  );
  return r.rows;
}

export type ClientListQuery = {
  range: ClientRange;
  sort: ClientSort;
  dir: SortDir;
  limit: number;
  cursor?: string;
};

export async function listClients(
  ctx: StoreContext,
  q: ClientListQuery,
): Promise<Omit<ClientList, "unavailable" | "source">> {
  const { db, tables: t } = ctx;
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
    listStorms(ctx),
  ]);
  const s = state.rows[0];
  const pastStorms = s ? await listPastStorms(ctx, s.from) : [];
  const pastOfScope = new Map(pastStorms.map((x) => [x.scope, x]));
  const rows = page.rows.slice(0, q.limit);
  const last = rows[rows.length - 1];
  const from = s?.from.toISOString() ?? null;
  const spark =
    from && rows.length
      ? await sparklines(
          ctx,
          rows.map((x) => x.scope),
          SPARK[q.range].res,
          from,
          SPARK[q.range].step,
        )
      : { buckets: [], lines: new Map<string, (number | null)[]>() };
  const buckets = spark.buckets;
  const sparklineOf = spark.lines;
  const stormOfScope = new Map(storms.map((x) => [x.scope, x]));
  const items: ClientItem[] = rows.map(({ scope, sortValue: _s, ...counts }) => ({
    scope,
    ...countsOf(counts),
    storm: stormOfScope.get(scope) ?? null,
    pastStorm: pastOfScope.get(scope) ?? null,
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
    pastStorms,
    sparkline: { bucketSeconds: SPARK[q.range].step, buckets },
  };
}

/** One client over a range; null when nothing of it is recorded at all. */
export async function getClientDetail(
  ctx: StoreContext,
  scope: string,
  range: ClientRange,
): Promise<ClientDetail | null> {
  const { db, tables: t } = ctx;
  const r = t.ownTable;
  const known = await db.query<{ id: number }>(
    `SELECT n.id FROM ${r("client_names")} n
      WHERE n.scope = $1 AND EXISTS (SELECT 1 FROM ${r("rollup_clients")} x WHERE x.client = n.id)`,
    [scope],
  );
  const client = known.rows[0]?.id;
  if (client === undefined) return null;
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
      `SELECT e.endpoint, ${SUM_COLUMNS}
         FROM ${r("rollup_clients")} x JOIN ${r("endpoint_names")} e ON e.id = x.endpoint
        WHERE x.client = $1 AND x.resolution = '${CLIENT_RES.day}' AND x.endpoint <> ${ALL_ENDPOINTS}
          AND x.bucket >= $2
        GROUP BY e.endpoint ORDER BY sum(requests) DESC, e.endpoint`,
      [client, dayFrom],
    ),
    db.query<{ rate: number | null }>(
      `SELECT sum(requests)::float8 / nullif(sum(keys), 0) AS rate FROM ${r("rollup_clients")}
        WHERE client = $1 AND resolution = '${CLIENT_RES.hour}' AND endpoint = ${ALL_ENDPOINTS}
          -- whole hours that ended at least an hour ago: an hour still filling (a storm that
          -- began just after it started) never leaks into the baseline
          AND bucket >= now() - interval '7 days' AND bucket <= now() - interval '2 hours'`,
      [client],
    ),
    listStorms(ctx, [scope]),
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
