// Backfills weeks of realistic history straight into the store with set-based SQL (seconds,
// not minutes), shaped like what the live simulator produces: replays, conflicts, mismatches,
// declines, expiries, a few duplicate successes, and some keys stuck right now. Steady volume
// with the live traffic's daily and weekly shape (traffic-shape.ts), and incidents placed on
// purpose (INCIDENTS): a deploy that raised duplicates until its rollback, a slow provider day,
// a client's retry storm.
import type { Pool } from "pg";
import { inTransaction } from "../../lib/db/pool";
import type { TableNames } from "../../lib/contract/tables";
import { DEMO_CLIENTS, DEMO_ENDPOINTS, DEMO_INSTANCES, STORM_CLIENT } from "./catalog";
import { MEAN_TRAFFIC_SHAPE, trafficShapeSql } from "./traffic-shape";

/** When the history's incidents happen (days ago, and UTC hours on that day). */
export const INCIDENTS = {
  // deploy v141 at 10:00 raised duplicate successes (reclaims after a lock timeout change) until
  // the rollback at 15:00
  badDeploy: { daysAgo: 9, fromHour: 10, toHour: 15 },
  // the card provider answered six times slower all day
  slowProvider: { daysAgo: 5, endpoint: "POST /v1/payments" },
  // one client retried every request over and over for 40 minutes
  storm: { daysAgo: 3, fromHour: 15, minutes: 40 },
};
const dayStart = (daysAgo: number) => `date_trunc('day', now() - interval '${daysAgo} days')`;

export type BackfillOptions = {
  days: number;
  intentsPerDay: number;
  /** the last hours at the live simulator's rate, so that short ranges don't start with a cliff */
  recentHours?: number;
  recentIntentsPerSecond?: number;
};

/** The endpoint table as a VALUES list: name, ttl, lock timeout, external effect, [lo, hi) of r. */
function endpointValues(): string {
  const total = DEMO_ENDPOINTS.reduce((s, e) => s + e.weight, 0);
  let lo = 0;
  return DEMO_ENDPOINTS.map((e) => {
    const hi = lo + e.weight / total;
    const row = `('${e.name}', ${e.ttlSeconds}, ${e.lockTimeoutSeconds}, ${e.effect === "external"}, ${lo}, ${hi})`;
    lo = hi;
    return row;
  }).join(",\n");
}

export type Backfilled = {
  intents: number;
  events: number;
  /**
   * Key rows of duplicated intents already purged in the history, kept until the first fold has
   * read their response (as a live collector would have, while the key was alive): remove them
   * with purgeBackfilledDuplicateKeys once the fold has caught up.
   */
  purgedDuplicateKeyIds: string[];
};

export async function backfillHistory(
  pool: Pool,
  t: TableNames,
  o: BackfillOptions,
): Promise<Backfilled> {
  const recentSeconds = Math.min((o.recentHours ?? 0) * 3600, o.days * 86_400);
  const result = await inTransaction(pool, async (client) => {
    await client.query(
      `CREATE TEMP TABLE bf ON COMMIT DROP AS
       WITH eps (name, ttl, lock_timeout, external, lo, hi) AS (VALUES ${endpointValues()}),
       candidates AS (
         SELECT g,
                CASE WHEN g <= $2::int
                  -- older history: steady, shaped like a day and a week of the live traffic
                  THEN now() - make_interval(secs => $6::float8 + ($1::float8 * 86400 - $6::float8) * random())
                  -- the recent hours at the live rate
                  ELSE now() - make_interval(secs => $6::float8 * random()) END AS t0,
                random() AS rc, random() AS re, random() AS r1, random() AS r2, random() AS r3, random() AS r4,
                random() AS rw
           FROM generate_series(1, $2::int + $7::int) g),
       base AS (
         SELECT * FROM candidates WHERE g > $2::int OR random() < ${trafficShapeSql("t0")})
       SELECT nextval(pg_get_serial_sequence($3, 'id')) AS id, b.*,
              ($4::text[])[1 + floor(array_length($4::text[], 1) * b.rc * b.rc)::int] AS scope,
              ($5::text[])[1 + floor(random() * array_length($5::text[], 1))::int] AS instance,
              e.name AS endpoint, e.ttl, e.lock_timeout, e.external,
              'bf-' || to_hex(b.g) || '-' || substr(md5(b.g::text), 1, 8) AS key,
              md5('payload' || b.g) AS request_hash,
              make_interval(secs => (0.04 + 0.9 * b.rw ^ 3)
                * CASE WHEN e.name = '${INCIDENTS.slowProvider.endpoint}'
                        AND date_trunc('day', b.t0) = ${dayStart(INCIDENTS.slowProvider.daysAgo)} THEN 6 ELSE 1 END) AS work
         FROM base b JOIN eps e ON b.re >= e.lo AND b.re < e.hi`,
      [
        o.days,
        // candidates: the shape keeps MEAN_TRAFFIC_SHAPE of them, intentsPerDay on average
        Math.round((o.days * o.intentsPerDay) / MEAN_TRAFFIC_SHAPE),
        t.keys,
        DEMO_CLIENTS,
        DEMO_INSTANCES,
        recentSeconds,
        Math.round(recentSeconds * (o.recentIntentsPerSecond ?? 0)),
      ],
    );
    // Classify each intent once: stuck now, declined, duplicated (worse on one bad day).
    await client.query(
      `ALTER TABLE bf ADD COLUMN stuck bool, ADD COLUMN declined bool, ADD COLUMN dup bool,
                      ADD COLUMN storm bool`,
    );
    const d = INCIDENTS.badDeploy;
    const st = INCIDENTS.storm;
    const stormFrom = `${dayStart(st.daysAgo)} + interval '${st.fromHour} hours'`;
    await client.query(
      `
      UPDATE bf SET
        stuck = false,
        declined = r1 < 0.05,
        -- a hundred times the usual share while v141 ran: at the e2e's 3,000 intents a day that
        -- is about 40 duplicates in its five hours, so its before/after verdict never hinges on
        -- a handful (at 0.04 it was about 8, and an unlucky draw of 2 read as "no worse")
        dup = r1 >= 0.062 AND (external OR ttl <= 600)
              AND r4 < CASE WHEN t0 >= ${dayStart(d.daysAgo)} + interval '${d.fromHour} hours'
                             AND t0 < ${dayStart(d.daysAgo)} + interval '${d.toHour} hours' THEN 0.2 ELSE 0.002 END,
        storm = t0 >= ${stormFrom} AND t0 < ${stormFrom} + interval '${st.minutes} minutes' AND rc < 0.5`,
    );
    await client.query(`UPDATE bf SET scope = $1 WHERE storm`, [STORM_CLIENT]);
    await client.query(
      `INSERT INTO ${t.ownTable("annotations")} (at, text, endpoint, version, actor)
       VALUES (${dayStart(d.daysAgo)} + interval '${d.fromHour} hours', 'deploy payments-api v141 (lock timeout 30 s → 5 s)', NULL, 'v141', 'ci:deploy'),
              (${dayStart(d.daysAgo)} + interval '${d.toHour} hours', 'rollback payments-api to v140', NULL, 'v140', 'ci:deploy'),
              (${dayStart(INCIDENTS.slowProvider.daysAgo)} + interval '7 hours', 'card provider degraded (status page)', '${INCIDENTS.slowProvider.endpoint}', NULL, 'oncall')`,
    );
    // Exactly 15 keys stuck right now, whatever the volume (tests page through them), on
    // endpoints whose TTL outlasts a session, so that the purger doesn't take them away.
    await client.query(
      `UPDATE bf SET stuck = true WHERE id IN (
         SELECT id FROM bf
          WHERE ttl >= 10800 AND t0 > now() - interval '3 hours'
            AND t0 < now() - make_interval(secs => lock_timeout + 60)
            AND r1 >= 0.05 AND r1 < 0.062
          ORDER BY r4 LIMIT 15)`,
    );
    const events = await client.query(`
      INSERT INTO ${t.events} (at, key_id, scope, endpoint, key, kind, request_hash, response_code, latency_ms, instance, trace_id)
      SELECT e.at, bf.id, bf.scope, bf.endpoint, bf.key, e.kind, bf.request_hash, e.code, e.latency,
             -- a reclaim happens on another instance than the one whose lock expired
             CASE WHEN e.other_instance THEN CASE WHEN bf.instance = 'web-3' THEN 'web-1' ELSE 'web-3' END
                  ELSE bf.instance END,
             md5(bf.key || e.kind)
        FROM bf CROSS JOIN LATERAL (VALUES
          (bf.t0, 'claimed', NULL::int, NULL::float8, true, false),
          (bf.t0 + CASE WHEN bf.dup AND bf.external THEN make_interval(secs => bf.lock_timeout + 4) ELSE bf.work END,
             CASE WHEN bf.declined THEN 'failed' ELSE 'completed' END,
             CASE WHEN bf.declined THEN 402 ELSE 201 END, extract(epoch FROM bf.work) * 1000, NOT bf.stuck, false),
          -- replays of the stored response (dropped responses, impatient clients)
          (bf.t0 + bf.work + make_interval(secs => 1 + 20 * bf.r3), 'replayed',
             CASE WHEN bf.declined THEN 402 ELSE 201 END, 1.2 + 30 * bf.r3 ^ 6, NOT bf.stuck AND (bf.r2 < 0.14 OR bf.storm), false),
          (bf.t0 + bf.work + make_interval(secs => 25 + 60 * bf.r3), 'replayed',
             CASE WHEN bf.declined THEN 402 ELSE 201 END, 1.5 + 40 * bf.rw ^ 6, NOT bf.stuck AND (bf.r2 < 0.04 OR bf.storm), false),
          -- a double submit racing the first request
          (bf.t0 + bf.work / 3, 'conflict', 409, NULL, bf.r2 >= 0.14 AND bf.r2 < 0.17 OR bf.storm, false),
          -- the same key reused with another payload
          (bf.t0 + make_interval(secs => 5 + 600 * bf.r4), 'mismatch', 422, NULL, NOT bf.stuck AND bf.r3 < 0.012, false),
          -- duplicate success, external effect: the lock timed out, another instance reclaimed
          (bf.t0 + make_interval(secs => bf.lock_timeout + 1), 'reclaimed', NULL, NULL, bf.dup AND bf.external, true),
          (bf.t0 + make_interval(secs => bf.lock_timeout + 2), 'completed', 201, 900, bf.dup AND bf.external, true),
          -- duplicate success, short TTL: the key expired and a late retry ran the work again
          (bf.t0 + make_interval(secs => bf.ttl + 3), 'expired', NULL, NULL, bf.dup AND NOT bf.external, false),
          (bf.t0 + make_interval(secs => bf.ttl + 20), 'claimed', NULL, NULL, bf.dup AND NOT bf.external, false),
          (bf.t0 + make_interval(secs => bf.ttl + 20.3), 'completed', 201, 300, bf.dup AND NOT bf.external, false),
          -- the purger removing the key after its TTL
          (bf.t0 + make_interval(secs => bf.ttl * CASE WHEN bf.dup AND NOT bf.external THEN 2 ELSE 1 END + 40 + 20 * bf.r4),
             'expired', NULL, NULL, NOT bf.stuck, false)
        ) AS e(at, kind, code, latency, present, other_instance)
       WHERE e.present AND e.at <= now()
       ORDER BY e.at`);
    // Rows for the keys still alive (not yet expired), the stuck ones, and every duplicated
    // intent's (the collector prices a duplicate from its stored response). A duplicate by a late
    // retry is the row its second claim made, after the first one expired.
    await client.query(`
      INSERT INTO ${t.keys} (id, scope, key, endpoint, request_hash, status, recovery_point, locked_at, lock_owner,
                             response_code, response_body, attempts, created_at, updated_at, completed_at, expires_at)
      OVERRIDING SYSTEM VALUE
      SELECT id, scope, key, endpoint, request_hash,
             CASE WHEN stuck THEN 'in_progress' WHEN declined THEN 'failed' ELSE 'completed' END,
             CASE WHEN stuck THEN (ARRAY['started', 'provider_called', 'ledger_written'])[1 + floor(r3 * 3)::int] ELSE 'finished' END,
             CASE WHEN stuck AND r4 >= 0.2 THEN t0 END,
             CASE WHEN stuck AND r4 >= 0.2 THEN instance END,
             CASE WHEN stuck THEN NULL WHEN declined THEN 402 ELSE 201 END,
             CASE WHEN stuck THEN NULL WHEN declined THEN '{"error":"card_declined"}'::jsonb
                  ELSE jsonb_build_object('id', 'bf_' || g, 'amount', 100 + g % 50000, 'currency', 'EUR') END,
             1 + (r2 < 0.14)::int + (r2 < 0.04)::int + (r2 >= 0.14 AND r2 < 0.17)::int,
             c0, c0 + work, CASE WHEN NOT stuck THEN c0 + work END, c0 + make_interval(secs => ttl)
        FROM (SELECT *, CASE WHEN dup AND NOT external THEN t0 + make_interval(secs => ttl + 20) ELSE t0 END AS c0
                FROM bf) b
       WHERE stuck OR dup OR t0 + make_interval(secs => ttl + 40 + 20 * r4) > now()`);
    // requests seen, as the history above has them (a key page reads both side by side). Driven
    // by the key rows (the few still held): one index probe each. Counting every backfilled
    // intent's events first, with no statistics on the new rows yet, could take minutes.
    await client.query(`
      UPDATE ${t.keys} k
         SET attempts = (SELECT count(*)::int FROM ${t.events} e
                          WHERE e.key_id = k.id
                            AND e.kind IN ('claimed', 'reclaimed', 'replayed', 'conflict', 'mismatch'))
       WHERE k.id IN (SELECT id FROM bf)`);
    // the duplicated intents whose purge the history has already recorded
    const purged = await client.query<{ id: string }>(
      `SELECT id::text FROM bf WHERE dup
          AND t0 + make_interval(secs => ttl * CASE WHEN NOT external THEN 2 ELSE 1 END + 40 + 20 * r4) <= now()`,
    );
    const intents = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM bf`);
    return {
      intents: intents.rows[0]?.n ?? 0,
      events: events.rowCount ?? 0,
      purgedDuplicateKeyIds: purged.rows.map((r) => r.id),
    };
  });
  await pool.query(`ANALYZE ${t.keys}`);
  await pool.query(`ANALYZE ${t.events}`);
  return result;
}

/** Removes the rows backfillHistory kept for the fold to price (see Backfilled). */
export async function purgeBackfilledDuplicateKeys(
  pool: Pool,
  t: TableNames,
  ids: string[],
): Promise<number> {
  const r = await pool.query(`DELETE FROM ${t.keys} WHERE id = ANY($1::bigint[])`, [ids]);
  return r.rowCount ?? 0;
}

/** True when the store has no history yet (first start of the demo). */
export async function storeIsEmpty(pool: Pool, t: TableNames): Promise<boolean> {
  const r = await pool.query(`SELECT NOT EXISTS (SELECT 1 FROM ${t.events}) AS empty`);
  return Boolean(r.rows[0]?.empty);
}
