// The load run's writer must write what the store contract says (one key row and a claim and a
// completion per new intent, a replay per retry of a completed intent), at the rate asked for,
// and the collector must fold it exactly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBulkTraffic } from "../../../scripts/demo/bulk-traffic";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { rollupVersusRaw } from "../../helpers/rollup-totals";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;

beforeAll(async () => {
  store = await createTestStore();
});
afterAll(() => store.drop());

describe("startBulkTraffic", () => {
  it("writes 1,000 requests/s as contract-shaped intents and replays that the collector folds exactly", async () => {
    const bulk = startBulkTraffic(store.pool, store.t, 1000);
    await new Promise((r) => setTimeout(r, 2000));
    await bulk.stop();
    const s = bulk.stats();
    expect(s.errors).toBe(0);
    // 20 ticks of 100 requests in 2 s; a late tick on a busy test machine costs its share
    expect(s.requests).toBeGreaterThanOrEqual(1500);
    expect(s.requests).toBe(s.ticks * 100); // every tick wrote its whole share

    const q = async (sql: string) => (await store.pool.query(sql)).rows[0];
    const kinds = await q(`SELECT
        count(*) FILTER (WHERE kind = 'claimed')::int AS claimed,
        count(*) FILTER (WHERE kind = 'completed')::int AS completed,
        count(*) FILTER (WHERE kind = 'replayed')::int AS replayed,
        count(*) FILTER (WHERE kind NOT IN ('claimed', 'completed', 'replayed'))::int AS other
      FROM ${store.t.events}`);
    expect(kinds.other).toBe(0);
    expect(kinds.claimed).toBe(kinds.completed);
    expect(kinds.claimed + kinds.replayed).toBe(s.requests);
    // about 3 in 10 requests are retries (none in the first tick: nothing answered yet)
    expect(kinds.replayed / s.requests).toBeGreaterThan(0.25);
    expect(kinds.replayed / s.requests).toBeLessThan(0.31);

    // every key row: completed, unlocked, expiring in the future, its attempts = its requests
    const keys = await q(`SELECT count(*)::int AS n,
        count(*) FILTER (WHERE status <> 'completed' OR locked_at IS NOT NULL OR expires_at <= now()
                           OR completed_at IS NULL OR response_code <> 201)::int AS bad,
        coalesce(sum(attempts), 0)::int AS attempts
      FROM ${store.t.keys}`);
    expect(keys.n).toBe(kinds.claimed);
    expect(keys.bad).toBe(0);
    expect(keys.attempts).toBe(s.requests);
    const orphans = await q(`SELECT count(*)::int AS n FROM ${store.t.events} e
      WHERE NOT EXISTS (SELECT 1 FROM ${store.t.keys} k WHERE k.id = e.key_id
                          AND (k.scope, k.endpoint, k.key) = (e.scope, e.endpoint, e.key))`);
    expect(orphans.n).toBe(0);

    for (;;) if ((await collectBatch(store.ctx())).caughtUp) break;
    for (const [name, { raw, rollup }] of Object.entries(
      await rollupVersusRaw(store.pool, store.t),
    ))
      expect(rollup, name).toEqual(raw);
    // a retry of a completed intent is not a second success
    const dup = await q(
      `SELECT coalesce(sum(duplicate_successes), 0)::int AS n FROM ${store.t.ownTable("rollup_successes")}`,
    );
    expect(dup.n).toBe(0);
  });
});
