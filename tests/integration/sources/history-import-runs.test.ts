// A layout that keeps several rows of one key (Medusa v2: a run per execution of a transaction)
// imports exactly as the raw rows say (lib/fold/history-import.ts): rows of one key read in the same
// batch are grouped into one intent, rows read in different batches meet in the intent memory. A
// second run that succeeds is a duplicate success, and each run after the first is a retry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/core/config";
import { importHistoryBatch } from "../../../lib/fold/history-import";
import { RETRY_DELAY_BOUNDS_S } from "../../../lib/contract/histograms";
import { connectLibraryStore, type ConnectedStore } from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";

const keep = parseConfig({}).retentionDays;

/** transaction → its runs' states, oldest first (each a row, an hour apart) */
const RUNS: Record<string, string[]> = {
  "tx-twice": ["done", "done"], // a retry after a finished run: executed twice
  "tx-after-failure": ["reverted", "done"],
  "tx-once": ["done"],
  "tx-failed": ["reverted", "reverted"],
};
/** runs of one transaction far apart in the table: read in different batches */
const FAR = "tx-far";

describe("the history of a layout with several rows of one key, imported", () => {
  let store: TestStore;
  let src: ConnectedStore;

  beforeAll(async () => {
    store = await createTestStore();
    src = await connectLibraryStore(store, "medusa-v2", undefined, true, async (table) => {
      const run = (tx: string, n: number, state: string, hoursAgo: number) =>
        store.pool.query(
          `INSERT INTO ${table} (id, workflow_id, transaction_id, run_id, execution, context, state,
                                 created_at, updated_at, retention_time)
           VALUES ('wf_' || $1 || $2, 'complete-cart', $1, 'run-' || $2, '{}', '{}', $3,
                   (now() AT TIME ZONE 'UTC') - make_interval(hours => $4),
                   (now() AT TIME ZONE 'UTC') - make_interval(hours => $4, secs => -1), 259200)`,
          [tx, n, state, hoursAgo],
        );
      await run(FAR, 1, "done", 60);
      // filler: one run per transaction, enough rows for several batches between the far runs
      await store.pool.query(
        `INSERT INTO ${table} (id, workflow_id, transaction_id, run_id, execution, context, state,
                               created_at, updated_at, retention_time)
         SELECT 'wf_f' || g, 'complete-cart', 'tx-filler-' || g, 'run-1', '{}', '{}', 'done',
                (now() AT TIME ZONE 'UTC') - make_interval(mins => 3000 - g),
                (now() AT TIME ZONE 'UTC') - make_interval(mins => 3000 - g), 259200
           FROM generate_series(1, 300) g`,
      );
      for (const [tx, states] of Object.entries(RUNS))
        for (const [i, state] of states.entries()) await run(tx, i + 1, state, 20 - i);
      await run(FAR, 2, "done", 10);
    });
  });
  afterAll(async () => {
    await src?.disconnect();
    await store.drop();
  });

  it("counts a second successful run as a duplicate success and every later run as a retry", async () => {
    const ctx = src.ctx(parseConfig({}));
    let batches = 0;
    let progress = await importHistoryBatch(ctx, { rows: 40, keep, waitMs: 20_000 });
    while (progress && !progress.finishedAt) {
      batches++;
      progress = await importHistoryBatch(ctx, { rows: 40, keep, waitMs: 20_000 });
    }
    expect(batches).toBeGreaterThan(3);

    const raw = await store.pool.query<{ rows: number; keys: number; succeeded: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT key)::int AS keys,
              count(DISTINCT key) FILTER (WHERE status = 'completed')::int AS succeeded
         FROM ${src.t.keys}`,
    );
    const { rows, keys, succeeded } = raw.rows[0]!;
    const folded = await store.pool.query<{
      first: number;
      dup: number;
      claimed: number;
      retries: number;
      client_keys: number;
    }>(
      `SELECT (SELECT sum(first_successes)::int FROM ${store.t.ownTable("rollup_successes")} WHERE resolution = 'day') AS first,
              (SELECT sum(duplicate_successes)::int FROM ${store.t.ownTable("rollup_successes")} WHERE resolution = 'day') AS dup,
              (SELECT sum(events)::int FROM ${store.t.ownTable("rollup_events")}
                WHERE resolution = 'day' AND kind = 'claimed') AS claimed,
              (SELECT sum(events)::int FROM ${store.t.ownTable("rollup_retry_delays")}) AS retries,
              (SELECT sum(keys)::int FROM ${store.t.ownTable("rollup_clients")}
                WHERE resolution = 'd' AND endpoint = 0) AS client_keys`,
    );
    expect(folded.rows[0]).toEqual({
      first: succeeded,
      dup: 2, // tx-twice (one batch) and tx-far (two batches)
      claimed: rows,
      retries: rows - keys,
      client_keys: keys,
    });
    // each later run's delay from its key's first run, as the raw rows define it
    const delays = (sql: string, params: unknown[] = []) =>
      store.pool.query(sql, params).then((r) => r.rows);
    expect(
      await delays(
        `SELECT le_index AS le, sum(events)::int AS n FROM ${store.t.ownTable("rollup_retry_delays")}
          GROUP BY 1 HAVING sum(events) <> 0 ORDER BY 1`,
      ),
    ).toEqual(
      await delays(
        `SELECT width_bucket(extract(epoch FROM created_at - first)::float8, $1::float8[]) AS le,
                count(*)::int AS n
           FROM (SELECT created_at, min(created_at) OVER (PARTITION BY key) AS first FROM ${src.t.keys}) r
          WHERE created_at > first GROUP BY 1 ORDER BY 1`,
        [RETRY_DELAY_BOUNDS_S],
      ),
    );
    const named = await store.pool.query<{ key: string; successes: number }>(
      `SELECT key, successes FROM ${store.t.ownTable("duplicate_intents")} ORDER BY key`,
    );
    expect(named.rows).toEqual([
      { key: FAR, successes: 2 },
      { key: "tx-twice", successes: 2 },
    ]);
  });
});
