// Key search on a library's table (issue #33, target 2): without an index of its own that serves a
// search, the search says so (and why); connect's search indexes, created CONCURRENTLY on request,
// are ones the mapping view's predicates match: with them every search finds the same keys with
// no sequential scan of the table, even on a table small enough that the planner would rather
// scan (enable_seqscan off only makes it take an index when one can serve).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PoolClient } from "pg";
import { parseConfig } from "../../../lib/core/config";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { createSearchIndexes, searchIndexReport } from "../../../lib/ingest/sources/search-indexes";
import { searchKeys, type KeySearch } from "../../../lib/query/store/key-search";
import { getKeyLifecycle } from "../../../lib/query/store/lifecycle";
import { runFaultScenario } from "../../../scripts/demo/fault-scenario";
import {
  connectLibraryStore,
  libraryClientOf,
  type ConnectedStore,
} from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";

/**
 * Sequential scans of `table` this backend has not reported yet (this transaction's among them):
 * a statement's own are the difference before and after it.
 */
async function seqScansOf(c: PoolClient, table: string): Promise<number> {
  const r = await c.query<{ n: string }>(
    `SELECT coalesce((SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relid = $1::regclass), 0) AS n`,
    [table],
  );
  return Number(r.rows[0]!.n);
}

describe.each(["stripe-style", "medusa-v1", "node-idempotency", "masstransit-inbox"])(
  "key search on a %s table",
  (presetName) => {
    let store: TestStore;
    let src: ConnectedStore;
    let searches: KeySearch[];
    beforeAll(async () => {
      store = await createTestStore();
      src = await connectLibraryStore(store, presetName);
      await runFaultScenario(libraryClientOf(store, src), "si");
      const ctx = src.ctx(parseConfig({}));
      for (let i = 0; i < 10; i++) if ((await collectBatch(ctx)).caughtUp) break;
      await store.pool.query(`ANALYZE ${src.table}`);
      const row = (
        await store.pool.query<{ scope: string; endpoint: string; key: string }>(
          `SELECT scope, endpoint, key FROM ${src.t.keys} ORDER BY key LIMIT 1`,
        )
      ).rows[0]!;
      searches = [
        { key: row.key },
        { prefix: row.key.slice(0, 3) },
        { scope: row.scope },
        { endpoint: row.endpoint },
        { status: "failed" },
        { from: new Date(Date.now() - 3_600_000) },
      ];
    }, 60_000);
    afterAll(async () => {
      await src?.disconnect();
      await store.drop();
    });

    /** each search's keys, and the table's sequential scans it took with enable_seqscan off */
    const run = async () => {
      const c = await store.pool.connect();
      try {
        const out = [];
        for (const q of searches) {
          const seqScans = () => seqScansOf(c, src.table);
          await c.query("BEGIN");
          await c.query("SET LOCAL enable_seqscan = off");
          const start = await seqScans();
          const page = await searchKeys({ db: c, tables: src.t, config: parseConfig({}) }, q, {
            limit: 50,
          });
          const scans = (await seqScans()) - start;
          await c.query("COMMIT");
          out.push({
            q,
            keys: page.items.map((k) => k.key),
            slow: page.slow,
            scans,
          });
        }
        return out;
      } finally {
        c.release();
      }
    };

    it("says a search is slow until an index serves it, then finds the same keys without a scan", async () => {
      const before = await run();
      const report = await searchIndexReport(store.pool, src.binding);
      expect(report.every((x) => !x.present)).toBe(true);
      for (const r of before) expect(r.slow).toMatch(/reads the whole table/);
      expect(before.some((r) => r.keys.length > 0)).toBe(true);

      const created = await createSearchIndexes(store.pool, src.binding);
      for (const x of created) if (x.error) console.warn(`${presetName}: ${x.name}: ${x.error}`);
      const made = new Set(created.filter((x) => !x.error).map((x) => x.name));
      expect(made.size).toBeGreaterThan(0);
      const after = await run();
      const present = await searchIndexReport(store.pool, src.binding);
      for (const [i, r] of after.entries()) {
        expect(r.keys).toEqual(before[i]!.keys);
        const kind =
          "key" in r.q || "prefix" in r.q
            ? "key"
            : "scope" in r.q
              ? "client"
              : r.q.status === "failed"
                ? "failed"
                : "recent";
        const served = present.some(
          (x) => x.present && (x.kind === kind || (kind === "failed" && x.kind === "recent")),
        );
        if (served) {
          expect(r.slow, JSON.stringify(r.q)).toBeNull();
          expect(r.scans, JSON.stringify(r.q)).toBe(0);
        } else expect(r.slow).toMatch(/reads the whole table/);
      }
      // the key page by id: the table's own primary key, or the id index where the preset hashes it
      const id = (
        await store.pool.query<{ id: string }>(`SELECT id::text FROM ${src.t.keys} LIMIT 1`)
      ).rows[0]!.id;
      const c = await store.pool.connect();
      try {
        await c.query("BEGIN");
        await c.query("SET LOCAL enable_seqscan = off");
        const scans = () => seqScansOf(c, src.table);
        const start = await scans();
        const page = await getKeyLifecycle(
          { db: c, tables: src.t, config: parseConfig({}) },
          { id },
        );
        expect(page.key?.id).toBe(id);
        expect((await scans()) - start).toBe(0);
        await c.query("COMMIT");
      } finally {
        c.release();
      }
    });
  },
);
