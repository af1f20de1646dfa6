// The benchmark's dataset: a realistic store at scale (default 10 M keys, 30 days, 5,000
// clients, 8 endpoints, two to three events per key), generated with set-based SQL, with the
// secondary indexes built after the load as one would restore a dump.
import type { Pool } from "pg";
import type { TableNames } from "../../lib/contract/tables";

export type DatasetOptions = {
  keys: number;
  clients: number;
  endpoints: number;
  days: number;
  /** the share of intents retried three to seven times in their first minute (hot intents) */
  hotShare: number;
};

const ENDPOINT_NAMES = [
  "payments",
  "orders",
  "refunds",
  "customers",
  "invoices",
  "subscriptions",
  "transfers",
  "payouts",
  "charges",
  "disputes",
];

export async function generateDataset(
  pool: Pool,
  t: TableNames,
  o: DatasetOptions,
  indexStatements: string[],
  progress: (message: string) => void,
): Promise<{ events: number }> {
  const endpoints = ENDPOINT_NAMES.slice(0, o.endpoints).map((n) => `POST /v1/${n}`);
  const dropped = indexStatements
    .map((s) => /CREATE INDEX (\S+) ON/.exec(s)?.[1])
    .filter((n): n is string => Boolean(n));
  const schema = t.keys.split(".")[0];
  for (const name of dropped) await pool.query(`DROP INDEX IF EXISTS ${schema}.${name}`);
  const chunk = 1_000_000;
  for (let lo = 1; lo <= o.keys; lo += chunk) {
    const hi = Math.min(o.keys, lo + chunk - 1);
    await pool.query(
      `INSERT INTO ${t.keys} (scope, key, endpoint, request_hash, status, recovery_point, locked_at, lock_owner,
                              response_code, response_body, attempts, created_at, updated_at, completed_at, expires_at)
       SELECT scope, 'k-' || g, endpoint, md5(g::text),
              CASE WHEN stuck THEN 'in_progress' WHEN r3 < 0.05 THEN 'failed' ELSE 'completed' END,
              CASE WHEN stuck THEN 'started' ELSE 'finished' END,
              CASE WHEN stuck THEN t0 END, CASE WHEN stuck THEN 'web-' || (g % 8) END,
              CASE WHEN stuck THEN NULL WHEN r3 < 0.05 THEN 402 ELSE 201 END,
              CASE WHEN stuck THEN NULL ELSE jsonb_build_object('id', g, 'amount', g % 50000) END,
              1 + (r3 >= 0.9)::int, t0, t0, CASE WHEN NOT stuck THEN t0 + interval '200 ms' END, t0 + interval '45 days'
         FROM (SELECT g, r3, t0,
                      'client-' || lpad(floor($3::int * r1 * r1)::int::text, 4, '0') AS scope,
                      ($4::text[])[1 + floor(r2 * array_length($4::text[], 1))::int] AS endpoint,
                      (g % 25000 = 0 AND t0 > now() - interval '1 day' AND t0 < now() - interval '10 minutes') AS stuck
                 -- keys arrive in time order, as in a real store (ids follow time)
                 FROM (SELECT g, random() AS r1, random() AS r2, random() AS r3,
                              now() - make_interval(secs => $5::float8 * 86400 * (1 - (g - 0.5) / $6::float8)) AS t0
                         FROM generate_series($1::bigint, $2::bigint) g) x) y`,
      [lo, hi, o.clients, endpoints, o.days, o.keys],
    );
    // every event in the order of its time, as a store appends them (ids follow commits): hot
    // intents' retries among the rest, not after each chunk (then a fold newest first met every
    // hot intent's retries days before its first request, which no store does)
    await pool.query(
      `INSERT INTO ${t.events} (at, key_id, scope, endpoint, key, kind, request_hash, response_code, latency_ms, instance)
       SELECT * FROM (
         SELECT e.at, k.id, k.scope, k.endpoint, k.key, e.kind, k.request_hash, e.code, e.latency, k.lock_owner
           FROM ${t.keys} k CROSS JOIN LATERAL (VALUES
             (k.created_at, 'claimed', NULL::int, NULL::float8, true),
             (k.completed_at, k.status, k.response_code, 200::float8, k.status <> 'in_progress'),
             (k.created_at + interval '7 seconds', 'replayed', k.response_code, 1 + (k.id % 40)::float8, k.attempts > 1)
           ) AS e(at, kind, code, latency, present)
          WHERE k.id BETWEEN $1 AND $2 AND e.present
         UNION ALL
         -- hot intents: a share of the keys retried two to six more times, a few seconds apart
         SELECT k.created_at + make_interval(secs => 9 + 5 * n), k.id, k.scope, k.endpoint, k.key,
                'replayed', k.request_hash, k.response_code, 2 + (k.id % 30)::float8, k.lock_owner
           FROM ${t.keys} k CROSS JOIN LATERAL generate_series(1, 2 + (k.id % 5)::int) AS n
          WHERE $3::int > 0 AND k.id BETWEEN $1 AND $2 AND k.status <> 'in_progress'
            AND abs(hashint8(k.id)) % 10000 < $3) e
        ORDER BY 1`,
      [lo, hi, Math.round(o.hotShare * 10_000)],
    );
    progress(`  generated ${hi.toLocaleString("en-US")} keys`);
  }
  progress("  building indexes …");
  for (const s of indexStatements) await pool.query(s);
  await pool.query(`ANALYZE ${t.keys}`);
  await pool.query(`ANALYZE ${t.events}`);
  const n = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${t.events}`);
  return { events: Number(n.rows[0]?.n ?? 0) };
}
