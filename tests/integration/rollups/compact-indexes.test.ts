// After a history fold, the indexes it filled from below are rebuilt concurrently: smaller, valid,
// the rollups read through them unchanged, recorded once; a rebuild that is cancelled (here: its
// statement timeout while an old snapshot holds it) leaves no half-built copy, and the collector
// does it by itself in the background once its history fold ended, unless told not to.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../../lib/core/config";
import { startCollector } from "../../../lib/fold/collector";
import { HISTORY_FILLED_INDEXES, rebuildHistoryIndexes } from "../../../lib/fold/compact-indexes";
import { beginHistoryIfNew, collectHistoryBatch } from "../../../lib/fold/history";
import { resetFold } from "../../helpers/reset-fold";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
const cfg = parseConfig({});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  store = await createTestStore();
  // three days of history: 12,000 intents of 400 clients, each claimed and completed
  await store.pool.query(
    `INSERT INTO ${store.t.events} (at, scope, endpoint, key, kind, response_code)
     SELECT now() - make_interval(secs => 259200 * (1 - g::float8 / 12000)) + k.off, 'c-' || (g % 400),
            CASE WHEN g % 2 = 0 THEN 'POST /v1/payments' ELSE 'POST /v1/refunds' END, 'k-' || g, k.kind, k.code
       FROM generate_series(1, 12000) g
      CROSS JOIN (VALUES ('claimed', NULL::int, interval '0'), ('completed', 201, interval '10 ms')) AS k(kind, code, off)
      ORDER BY g, k.off`,
  );
});
afterAll(() => store.drop());

/** Folds the whole history newest first, in small batches, as a connecting collector does. */
async function foldHistory(): Promise<void> {
  await resetFold(store);
  await beginHistoryIfNew(store.ctx());
  for (;;) {
    const p = await collectHistoryBatch(store.ctx(), { batchSize: 400, keep: cfg.retentionDays });
    if (!p || p.finishedAt) break;
  }
}

const indexState = async () =>
  (
    await store.pool.query<{ name: string; bytes: string; valid: boolean }>(
      `SELECT i.relname AS name, pg_relation_size(i.oid)::text AS bytes, x.indisvalid AS valid
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_namespace n ON n.oid = i.relnamespace
        WHERE n.oid = to_regnamespace($1) ORDER BY 1`,
      [store.t.own],
    )
  ).rows;

const clientRows = async () =>
  (
    await store.pool.query<{ rows: string; requests: string; keys: string }>(
      `SELECT count(*)::text AS rows, sum(requests)::text AS requests, sum(keys)::text AS keys
         FROM ${store.t.ownTable("rollup_clients")}`,
    )
  ).rows[0];

const compactedAt = async () =>
  (
    await store.pool.query<{ at: Date | null }>(
      `SELECT history_compacted_at AS at FROM ${store.t.ownTable("collector_state")}`,
    )
  ).rows[0]!.at;

describe("rebuilding the indexes a history fold filled", () => {
  it("makes them smaller and leaves the rollups as they were", async () => {
    await foldHistory();
    const before = await clientRows();
    const result = await rebuildHistoryIndexes(store.pool, store.t, cfg);
    if (result === "pressure" || result === "stopped") throw new Error(`not rebuilt: ${result}`);
    expect(result.map((r) => r.index)).toEqual([...HISTORY_FILLED_INDEXES]);
    const pkey = result.find((r) => r.index === "rollup_clients_pkey")!;
    // newest first, every page split low in the index left half a page empty
    expect(pkey.bytesAfter).toBeLessThan(pkey.bytesBefore * 0.8);
    for (const r of result) expect(r.bytesAfter).toBeLessThanOrEqual(r.bytesBefore);
    expect((await indexState()).every((i) => i.valid)).toBe(true);
    // read through the rebuilt primary key
    await store.pool.query("SET enable_seqscan = off");
    expect(await clientRows()).toEqual(before);
    await store.pool.query("RESET enable_seqscan");
    expect(await compactedAt()).toBeInstanceOf(Date);
  });

  it("drops the half-built copy of a rebuild that was cancelled", async () => {
    // a snapshot older than the rebuild: REINDEX CONCURRENTLY waits for it, and times out
    const old = await store.pool.connect();
    try {
      await old.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
      await old.query(`SELECT count(*) FROM ${store.t.events}`);
      await expect(
        rebuildHistoryIndexes(store.pool, store.t, cfg, { timeoutMs: 500 }),
      ).rejects.toThrow(/statement timeout/);
    } finally {
      await old.query("ROLLBACK");
      old.release();
    }
    const indexes = await indexState();
    expect(indexes.filter((i) => /_ccnew/.test(i.name) || !i.valid)).toEqual([]);
    expect(indexes.map((i) => i.name)).toContain("rollup_clients_pkey");
  });

  it("is done by the collector once its history fold ended, and not when turned off", async () => {
    const run = async (env: Record<string, string>, waitMs: number) => {
      await resetFold(store);
      const c = startCollector({
        databaseUrl: inject("databaseUrl"),
        cfg: parseConfig({
          IDEMSCOPE_STORE_SCHEMA: store.schema,
          IDEMSCOPE_SCHEMA: store.layout.idemscopeSchema,
          ...env,
        }),
        tickMs: 100,
      });
      try {
        await c.drain(); // live caught up and the history folded
        for (let i = 0; i < waitMs / 100 && !(await compactedAt()); i++) await sleep(100);
        return await compactedAt();
      } finally {
        await c.stop();
      }
    };
    expect(await run({}, 10_000)).toBeInstanceOf(Date);
    // the collector looks right after the fold ends: a second is ample for these small indexes
    expect(
      await run({ IDEMSCOPE_COLLECTOR_REBUILD_INDEXES_AFTER_HISTORY: "false" }, 1_000),
    ).toBeNull();
  });
});
