// Heavy, uneventful traffic for load runs: what a fleet of API instances writes into the store
// at 1,000+ requests/s, without the cost of 1,000 HTTP round trips per second on the same machine
// as the dashboard under test. Every 100 ms one statement inserts the tick's new intents (key
// row, `claimed` and `completed` events) and another answers the tick's retries from the store
// (`replayed` events, attempts + 1), following the store contract like the reference writer does.
// The demo's simulator still supplies the interesting cases (stuck keys, reclaims, conflicts).
import type { Pool } from "pg";
import type { TableNames } from "../../lib/contract/tables";
import { DEMO_ENDPOINTS, DEMO_INSTANCES, pickClient, pickWeighted } from "./catalog";

export type BulkTraffic = { stop: () => Promise<void>; stats: () => BulkTrafficStats };
export type BulkTrafficStats = {
  requests: number;
  ticks: number;
  lateTicks: number;
  errors: number;
};

const TICK_MS = 100;
/** share of requests that are retries of an intent already answered */
const RETRY_SHARE = 0.3;

function insertIntentsSql(t: TableNames): string {
  return `
    WITH input AS (
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::float8[])
        AS i(scope, endpoint, key, instance, ttl, latency)
    ), k AS (
      INSERT INTO ${t.keys}
        (scope, endpoint, key, request_hash, status, recovery_point, attempts, response_code,
         response_body, completed_at, expires_at)
      SELECT scope, endpoint, key, md5(scope || key), 'completed', 'finished', 1, 201,
             jsonb_build_object('id', key, 'status', 'succeeded'), now(),
             now() + make_interval(secs => ttl)
        FROM input
      ON CONFLICT (scope, endpoint, key) DO NOTHING
      RETURNING id, scope, endpoint, key, request_hash
    )
    INSERT INTO ${t.events}
      (key_id, scope, endpoint, key, kind, request_hash, response_code, latency_ms, instance)
    SELECT k.id, k.scope, k.endpoint, k.key, e.kind, k.request_hash, e.code, e.latency, i.instance
      FROM k JOIN input i USING (scope, endpoint, key)
     CROSS JOIN LATERAL (VALUES ('claimed', NULL::int, NULL::float8),
                                ('completed', 201, i.latency)) e(kind, code, latency)
    RETURNING CASE WHEN kind = 'completed' THEN key_id END AS key_id`;
}

function replaySql(t: TableNames): string {
  return `
    WITH r AS (
      UPDATE ${t.keys} SET attempts = attempts + 1, updated_at = now()
       WHERE id = ANY($1::bigint[]) AND status = 'completed'
      RETURNING id, scope, endpoint, key, request_hash, response_code
    )
    INSERT INTO ${t.events}
      (key_id, scope, endpoint, key, kind, request_hash, response_code, latency_ms, instance)
    SELECT id, scope, endpoint, key, 'replayed', request_hash, response_code,
           1 + random() * 4, $2
      FROM r`;
}

export function startBulkTraffic(
  pool: Pool,
  t: TableNames,
  requestsPerSecond: number,
): BulkTraffic {
  const stats: BulkTrafficStats = { requests: 0, ticks: 0, lateTicks: 0, errors: 0 };
  const insertSql = insertIntentsSql(t);
  const retrySql = replaySql(t);
  const run = Date.now().toString(36); // keys unique across restarts
  let serial = 0;
  let answered: string[] = []; // intents of the previous tick, which this tick's retries repeat
  let stopped = false;
  let carry = 0; // fractional requests owed, so that low rates are met on average

  async function tick(): Promise<void> {
    const due = (requestsPerSecond * TICK_MS) / 1000 + carry;
    const n = Math.floor(due);
    carry = due - n;
    const retries = Math.min(answered.length, Math.round(n * RETRY_SHARE));
    const fresh = n - retries;
    const scopes: string[] = [];
    const endpoints: string[] = [];
    const keys: string[] = [];
    const instances: string[] = [];
    const ttls: number[] = [];
    const latencies: number[] = [];
    for (let i = 0; i < fresh; i++) {
      const endpoint = pickWeighted(DEMO_ENDPOINTS, Math.random());
      scopes.push(pickClient(Math.random()));
      endpoints.push(endpoint.name);
      keys.push(`bulk-${run}-${(serial++).toString(36)}`);
      instances.push(DEMO_INSTANCES[serial % DEMO_INSTANCES.length]!);
      ttls.push(endpoint.ttlSeconds);
      latencies.push(40 + Math.random() * 160);
    }
    const repeat = answered.slice(0, retries);
    const [inserted] = await Promise.all([
      fresh > 0
        ? pool.query<{ key_id: string | null }>(insertSql, [
            scopes,
            endpoints,
            keys,
            instances,
            ttls,
            latencies,
          ])
        : undefined,
      repeat.length > 0 ? pool.query(retrySql, [repeat, DEMO_INSTANCES[0]]) : undefined,
    ]);
    answered = (inserted?.rows ?? []).flatMap((r) => (r.key_id ? [r.key_id] : []));
    stats.requests += fresh + repeat.length;
  }

  const done = (async () => {
    let next = Date.now();
    while (!stopped) {
      await tick().catch(() => (stats.errors += 1)); // a failed tick (database restarting) is skipped
      stats.ticks += 1;
      next += TICK_MS;
      const wait = next - Date.now();
      if (wait < 0) {
        stats.lateTicks += 1;
        next = Date.now(); // behind: do not burst to catch up
      } else await new Promise((r) => setTimeout(r, wait));
    }
  })();

  return {
    stats: () => ({ ...stats }),
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}
