import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backfillHistory,
  purgeBackfilledDuplicateKeys,
  storeIsEmpty,
  type Backfilled,
} from "../../../scripts/demo/backfill";
import { DEMO_AMOUNT_PATHS, STORM_CLIENT } from "../../../scripts/demo/catalog";
import { backfillSizeHistory } from "../../../scripts/demo/size-history";
import { parseConfig } from "../../../lib/core/config";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
let backfilled: Backfilled;

beforeAll(async () => {
  store = await createTestStore();
});
afterAll(() => store.drop());

describe("backfillHistory", () => {
  it("writes consistent history: every intent claimed once, completions after claims, live keys only", async () => {
    expect(await storeIsEmpty(store.pool, store.t)).toBe(true);
    const r = (backfilled = await backfillHistory(store.pool, store.t, {
      days: 14,
      intentsPerDay: 2000,
      recentHours: 1,
      recentIntentsPerSecond: 1,
    }));
    // the shape keeps about intentsPerDay a day (random: within 5 %), plus the recent hour
    expect(Math.abs(r.intents - (14 * 2000 + 3600))).toBeLessThan(0.05 * 14 * 2000);
    expect(await storeIsEmpty(store.pool, store.t)).toBe(false);
    const q = (sql: string) => store.pool.query(sql).then((res) => res.rows[0]);
    // nothing in the future, nothing older than the span
    expect(
      await q(
        `SELECT count(*)::int AS n FROM ${store.t.events} WHERE at > now() OR at < now() - interval '14 days 1 hour'`,
      ),
    ).toEqual({ n: 0 });
    // the first event of every intent is its claim
    const firsts = await q(`SELECT count(*) FILTER (WHERE kind <> 'claimed')::int AS bad FROM (
        SELECT DISTINCT ON (scope, endpoint, key) kind FROM ${store.t.events} ORDER BY scope, endpoint, key, at, id) f`);
    expect(firsts.bad).toBe(0);
    // key rows only for intents not yet purged, and no purged intent keeps a row, but the
    // duplicated ones kept for the fold to price (a late retry's second claim expires once more)
    const orphans = await q(`SELECT count(*)::int AS n FROM ${store.t.keys} k WHERE EXISTS (
        SELECT 1 FROM ${store.t.events} e WHERE e.key = k.key AND e.scope = k.scope AND e.kind = 'expired'
           AND e.at > k.created_at)`);
    expect(orphans.n).toBe(r.purgedDuplicateKeyIds.length);
    expect(r.purgedDuplicateKeyIds.length).toBeGreaterThan(0);
    // exactly 15 keys are stuck right now, on endpoints whose TTL outlasts a session
    const stuck = await q(
      `SELECT count(*)::int AS n, min(expires_at - now()) > interval '1 hour' AS lasting
         FROM ${store.t.keys} WHERE status = 'in_progress'`,
    );
    expect(stuck).toEqual({ n: 15, lasting: true });
    // steady, not a ramp: the older week about as busy as the newer; busier at 14:00 than 02:00
    const weeks = await q(`SELECT
        count(*) FILTER (WHERE at < now() - interval '7 days')::float8 AS older,
        count(*) FILTER (WHERE at >= now() - interval '7 days' AND at < now() - interval '1 hour')::float8 AS newer,
        count(*) FILTER (WHERE extract(hour FROM at AT TIME ZONE 'UTC') = 14)::float8 AS afternoon,
        count(*) FILTER (WHERE extract(hour FROM at AT TIME ZONE 'UTC') = 2)::float8 AS night
      FROM ${store.t.events} WHERE kind = 'claimed' AND at >= now() - interval '14 days'
        AND at < now() - interval '1 hour'`);
    expect(weeks.older / weeks.newer).toBeGreaterThan(0.85);
    expect(weeks.older / weeks.newer).toBeLessThan(1.18);
    expect(weeks.afternoon / weeks.night).toBeGreaterThan(3);
    // the incidents' annotations: the deploy and its rollback, the provider's bad day
    const notes = await store.pool.query(
      `SELECT version FROM ${store.t.ownTable("annotations")} ORDER BY at`,
    );
    expect(notes.rows.map((n) => n.version)).toEqual(["v141", "v140", null]);
    // the retry storm three days ago: one client's conflicts in 40 minutes
    const storm = await q(`SELECT count(*)::int AS n FROM ${store.t.events}
      WHERE scope = '${STORM_CLIENT}' AND kind = 'conflict'
        AND at >= date_trunc('day', now() - interval '3 days') + interval '15 hours'
        AND at < date_trunc('day', now() - interval '3 days') + interval '16 hours'`);
    expect(storm.n).toBeGreaterThan(10);
    // duplicate successes every few days, and the bad day nine days ago stands out: more than
    // twice any other day's
    const dups = await q(`SELECT coalesce(sum(n), 0)::int AS total,
        coalesce(max(n) FILTER (WHERE d = date_trunc('day', now() - interval '9 days')), 0)::int AS bad_day,
        coalesce(max(n) FILTER (WHERE d <> date_trunc('day', now() - interval '9 days')), 0)::int AS other_max FROM (
        SELECT d, count(*) AS n FROM (
          SELECT date_trunc('day', min(at)) AS d FROM ${store.t.events}
           WHERE kind = 'completed' GROUP BY scope, endpoint, key HAVING count(*) >= 2) x GROUP BY d) y`);
    expect(dups.total).toBeGreaterThan(dups.bad_day);
    expect(dups.bad_day).toBeGreaterThan(2 * dups.other_max);
    // the request mix has every kind the Overview shows
    const kinds = await store.pool.query(`SELECT DISTINCT kind FROM ${store.t.events} ORDER BY 1`);
    expect(kinds.rows.map((k) => k.kind)).toEqual(
      expect.arrayContaining([
        "claimed",
        "completed",
        "conflict",
        "expired",
        "failed",
        "mismatch",
        "reclaimed",
        "replayed",
      ]),
    );
  });

  it("prices the history's duplicates from their responses, then purges the kept keys", async () => {
    const cfg = parseConfig({ IDEMSCOPE_AMOUNT_PATHS: DEMO_AMOUNT_PATHS });
    for (;;) if ((await collectBatch(store.ctx(cfg))).caughtUp) break;
    const priced = await store.pool.query<{ amount: string | null; currency: string | null }>(
      `SELECT amount::text, currency FROM ${store.t.ownTable("duplicate_intents")}
        WHERE endpoint IN ('POST /v1/refunds', 'POST /v1/transfers', 'POST /v1/payouts')`,
    );
    expect(priced.rows.length).toBeGreaterThan(0);
    expect(priced.rows.every((d) => d.currency === "EUR" && Number(d.amount) >= 1)).toBe(true);
    const ids = backfilled.purgedDuplicateKeyIds;
    expect(await purgeBackfilledDuplicateKeys(store.pool, store.t, ids)).toBe(ids.length);
    const orphans = await store.pool
      .query(`SELECT count(*)::int AS n FROM ${store.t.keys} k WHERE EXISTS (
        SELECT 1 FROM ${store.t.events} e WHERE e.key = k.key AND e.scope = k.scope AND e.kind = 'expired'
           AND e.at > k.created_at)`);
    expect(orphans.rows[0].n).toBe(0);
  });

  it("gives the backfilled store an hourly size history that ends at today's size", async () => {
    const n = await backfillSizeHistory(store.pool, store.t, {
      keys: "idempotency_keys",
      events: "idempotency_events",
    });
    expect(n).toBeGreaterThan(2 * 13 * 24); // two tables, an hourly sample over ~14 days
    const r = await store.pool.query<{ table_name: string; first: number; last: number }>(
      `SELECT table_name, (array_agg(rows ORDER BY at))[1]::float8 AS first,
              (array_agg(rows ORDER BY at DESC))[1]::float8 AS last
         FROM ${store.t.ownTable("store_size_samples")} GROUP BY 1 ORDER BY 1`,
    );
    const events = await store.pool.query(`SELECT count(*)::float8 AS n FROM ${store.t.events}`);
    const [ev, keys] = r.rows;
    expect(ev?.table_name).toBe("idempotency_events");
    // the events table only grows; the last sample is an hour before now
    expect(ev?.first).toBeLessThan(ev?.last ?? 0);
    expect(ev?.last).toBeLessThanOrEqual(events.rows[0].n);
    expect(ev?.last).toBeGreaterThan(events.rows[0].n * 0.8);
    expect(keys?.table_name).toBe("idempotency_keys");
    expect(keys?.last).toBeGreaterThan(0);
  });
});
