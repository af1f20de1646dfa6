// The rows a library's table held before it was connected are imported once, exact against the
// raw rows as they were when capture began (lib/ingest/sources/history-import.ts,
// lib/fold/history-import.ts): a first request at each row's creation and its outcome at its last
// run, folded into the rollups; a row changed or deleted since (before or while the import reads
// it) is imported as it was, never twice, and its captured changes are counted once. A key that
// succeeded before capture and again after it is a duplicate success.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actOnKey } from "../../../lib/act/stuck-actions";
import { parseConfig } from "../../../lib/core/config";
import { captureModeNamed } from "../../../lib/contract/capture-modes";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { sampleStoreSize, storeSizeNames } from "../../../lib/fold/size-sampler";
import { getStoreReport } from "../../../lib/query/store/store-report";
import { drainCaptureQueue } from "../../../lib/ingest/sources/capture-drain";
import { importHistoryBatch } from "../../../lib/fold/history-import";
import { rebuildDue, rebuildHistoryIndexes } from "../../../lib/fold/compact-indexes";
import { getFoldStatus } from "../../../lib/query/store/fold-status";
import { ensureIntentMemory } from "../../../lib/fold/intent-memory";
import { INTENTS_PER_PACKED_ROW } from "../../../lib/fold/imported-intents";
import { readImportProgress } from "../../../lib/ingest/sources/history-import";
import { proxyOperator } from "../../helpers/identities";
import { connectLibraryStore, type ConnectedStore } from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";

const keep = parseConfig({}).retentionDays;
const hourOf = (d: Date) => `${d.toISOString().slice(0, 13)}:00`;

describe.each(["triggers", "logical"] as const)(
  "the history of a Stripe-style table, imported (%s)",
  (capture) => {
    let store: TestStore;
    let src: ConnectedStore;
    let ctx: ReturnType<ConnectedStore["ctx"]>;
    /** each row of the table as it was when capture began, in the mapping view's columns */
    let atConnect: {
      id: string;
      intent: string;
      status: string;
      code: number | null;
      created: Date;
      ran: Date;
    }[];

    // rows: in progress (the first blocks), finished with 201 and with 500, over ten days
    const before = async (table: string) => {
      const rows = (n: number, from: number, point: string, code: string) =>
        store.pool.query(
          `INSERT INTO ${table} (created_at, idempotency_key, last_run_at, locked_at, request_method,
                                 request_params, request_path, response_code, recovery_point, user_id)
           SELECT now() - make_interval(hours => 240 - g % 230) , 'old-' || ($2 + g),
                  now() - make_interval(hours => 240 - g % 230) + interval '2 seconds',
                  CASE WHEN $3 = 'started' THEN now() - make_interval(hours => 240 - g % 230) END, 'POST',
                  jsonb_build_object('amount', g), '/rides', ${code}, $3, 1 + g % 7
             FROM generate_series(1, $1) g`,
          [n, from, point],
        );
      await rows(8, 0, "started", "NULL");
      await rows(400, 100, "finished", "201");
      await rows(30, 1000, "finished", "500");
      // finished without a stored response: an outcome, but no success
      await rows(2, 2000, "finished", "NULL");
    };

    beforeAll(async () => {
      store = await createTestStore();
      src = await connectLibraryStore(
        store,
        "stripe-style",
        { capture: captureModeNamed(capture)!, spans: false },
        true,
        before,
      );
      ctx = src.ctx(parseConfig({}));
      const r = await store.pool.query<(typeof atConnect)[number]>(
        `SELECT id::text, concat_ws(' ', scope, endpoint, key) AS intent, status,
                response_code AS code, created_at AS created, updated_at AS ran
           FROM ${src.t.keys} k ORDER BY k.id`,
      );
      atConnect = r.rows;
    });
    afterAll(async () => {
      await src?.disconnect();
      await store.drop();
    });

    const keyOf = async (id: string) =>
      (
        await store.pool.query<{ key: string; user_id: string }>(
          `SELECT idempotency_key AS key, user_id::text FROM ${src.table} WHERE id = $1`,
          [id],
        )
      ).rows[0]!;

    const caughtUp = async () => {
      await src.settle();
      await drainCaptureQueue(ctx);
    };

    /** finished rows deleted from the first block, to make room there */
    const MADE_ROOM = 25;
    const blockOf = async (id: string) =>
      (
        await store.pool.query<{ block: number }>(
          `SELECT (ctid::text::point)[0]::int AS block FROM ${src.table} WHERE id = $1`,
          [id],
        )
      ).rows[0]!.block;

    /**
     * A row the import has read, updated by the service so that its new version lands in a block
     * not read yet: the import meets it again (now with its preimage) and must not count it twice.
     */
    const moveIntoUnreadBlock = async () => {
      const state = await store.pool.query<{ next: number; blocks: number; since: boolean }>(
        `SELECT next_block::int AS next, blocks::int,
                moves_from IS NOT NULL AND read_filenode IS NOT NULL AS since
           FROM ${store.t.ownTable("history_import")}`,
      );
      const { next, blocks, since } = state.rows[0]!;
      // (only the rows written since then are looked up among those imported)
      expect(since).toBe(true);
      // room in block 0, read last: finished rows deleted there (imported from their preimages)
      await store.pool.query(
        `DELETE FROM ${src.table} WHERE id IN (
           SELECT id FROM ${src.table} WHERE ctid < '(1,0)'::tid AND recovery_point = 'finished'
            ORDER BY id DESC LIMIT $1)`,
        [MADE_ROOM],
      );
      await store.pool.query(`VACUUM ${src.table}`);
      // a row of a full block read already grows past its page's free space
      const read = await store.pool.query<{ id: string }>(
        `SELECT id::text FROM ${src.table}
          WHERE ctid >= format('(%s,0)', $1::int)::tid AND ctid < format('(%s,0)', $2::int - 1)::tid
          ORDER BY id LIMIT 1`,
        [next, blocks],
      );
      const moved = read.rows[0]!.id;
      await store.pool.query(
        `UPDATE ${src.table}
            SET request_params = jsonb_build_object('note', (SELECT string_agg(md5(g::text || $2), '')
                                                              FROM generate_series(1, 56) g))
          WHERE id = $1`,
        [moved, capture],
      );
      expect(await blockOf(moved)).toBeLessThan(next);
      await caughtUp();
    };

    it("imports every row as it was at connect, once, whatever changed since", async () => {
      const open = atConnect.filter((r) => r.status === "in_progress");
      const done = atConnect.filter((r) => r.status === "completed");
      expect(open.length).toBe(8);
      // after connect, before the import reads them: two keys in progress complete, a finished
      // key runs again and succeeds, one is purged and its client's late retry succeeds anew
      const finish = (id: string) =>
        store.pool.query(
          `UPDATE ${src.table} SET recovery_point = 'finished', response_code = 201,
                  last_run_at = now() WHERE id = $1`,
          [id],
        );
      await finish(open[6]!.id);
      await finish(open[7]!.id);
      const rerun = done[10]!;
      await store.pool.query(
        `UPDATE ${src.table} SET recovery_point = 'started', response_code = NULL, last_run_at = now() WHERE id = $1`,
        [rerun.id],
      );
      await finish(rerun.id);
      const purged = done[20]!;
      const { key, user_id } = await keyOf(purged.id);
      await store.pool.query(`DELETE FROM ${src.table} WHERE id = $1`, [purged.id]);
      await store.pool.query(
        `INSERT INTO ${src.table} (idempotency_key, request_method, request_params, request_path,
                                   response_code, recovery_point, user_id, locked_at)
         VALUES ($1, 'POST', '{}', '/rides', 201, 'finished', $2, NULL)`,
        [key, user_id],
      );
      await store.pool.query(`DELETE FROM ${src.table} WHERE id = $1`, [done[30]!.id]);
      // an operator fails a key stuck since before connect: idemscope's own change, which capture
      // leaves out, records its preimage too (the key was in progress at connect)
      await actOnKey(ctx, {
        id: open[5]!.id,
        action: "fail",
        reason: "worker died",
        actor: proxyOperator,
      });
      // new keys after connect: captured, nothing to import
      await store.pool.query(
        `INSERT INTO ${src.table} (idempotency_key, request_method, request_params, request_path,
                                   response_code, recovery_point, user_id, locked_at)
         SELECT 'new-' || g, 'POST', '{}', '/rides', 201, 'finished', 3, NULL FROM generate_series(1, 5) g`,
      );
      await caughtUp();

      // the import, a few blocks a batch from the end; while it runs, a key in progress in the
      // first block (read last) completes, and a row read already moves into that block
      let batches = 0;
      let progress = await importHistoryBatch(ctx, { rows: 60, keep, waitMs: 20_000 });
      while (progress && !progress.finishedAt) {
        if (++batches === 2) {
          await finish(open[0]!.id);
          await moveIntoUnreadBlock();
        }
        progress = await importHistoryBatch(ctx, { rows: 60, keep, waitMs: 20_000 });
      }
      expect(batches).toBeGreaterThan(3);
      expect(await importHistoryBatch(ctx, { rows: 60, keep })).toBeNull();
      const final = (await readImportProgress(ctx))!;
      expect(final.finishedAt).not.toBeNull();
      // the rows present when read: one purged, its retry and five new, the rows deleted to make
      // room in the first block, and the moved row met twice
      expect(final.done).toBe(atConnect.length - 1 + 5 - MADE_ROOM + 1);
      expect(final.completeFrom).toBe(src.binding.installedAt);

      // exactly what each row said at connect, per hour and kind (captured changes are not
      // folded yet: the rollups hold the import alone)
      const expected = new Map<string, number>();
      const add = (at: Date, kind: string) =>
        expected.set(`${hourOf(at)} ${kind}`, (expected.get(`${hourOf(at)} ${kind}`) ?? 0) + 1);
      for (const r of atConnect) {
        add(r.created, "claimed");
        if (r.status !== "in_progress") add(r.ran, r.status);
      }
      const folded = await store.pool.query<{ hour: string; kind: string; n: number }>(
        `SELECT to_char(bucket AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:00') AS hour, kind,
                sum(events)::int AS n
           FROM ${store.t.ownTable("rollup_events")} WHERE resolution = 'hour' GROUP BY 1, 2`,
      );
      expect(new Map(folded.rows.map((r) => [`${r.hour} ${r.kind}`, r.n]))).toEqual(expected);
      // nothing stored per imported row but the rollups: no event, no id kept once it ended
      const kept = await store.pool.query<{ events: number; ids: number; pre: number }>(
        `SELECT (SELECT count(*)::int FROM ${src.t.events} WHERE at < $1) AS events,
                (SELECT count(*)::int FROM ${store.t.ownTable("history_imported")}) AS ids,
                (SELECT count(*)::int FROM ${store.t.ownTable("history_preimages")}) AS pre`,
        [src.binding.installedAt],
      );
      expect(kept.rows[0]).toEqual({ events: 0, ids: 0, pre: 0 });
      // what the rows taught the intent memory is packed: no memory row is left for them
      const memory = await store.pool.query<{ rows: number; packed: number; per_row: number }>(
        `SELECT (SELECT count(*)::int FROM ${store.t.ownTable("intent_memory")}) AS rows,
                (SELECT sum(cardinality(intents))::int FROM ${store.t.ownTable("imported_intents")}) AS packed,
                (SELECT max(cardinality(intents))::int FROM ${store.t.ownTable("imported_intents")}) AS per_row`,
      );
      expect(memory.rows[0]).toEqual({
        rows: 0,
        packed: new Set(atConnect.map((r) => r.intent)).size,
        per_row: INTENTS_PER_PACKED_ROW,
      });
    });

    it("folds the imported history: a key that succeeded before connect and again after it is a duplicate success", async () => {
      // a crash empties the (unlogged) memory, rebuilt from the events alone: the packed
      // intents, logged, still know the imported history
      await store.pool.query(
        `TRUNCATE ${store.t.ownTable("intent_memory")}, ${store.t.ownTable("intent_memory_marker")}`,
      );
      expect(await ensureIntentMemory(ctx, keep.intents ?? null)).not.toBeNull();
      for (let i = 0; i < 50; i++) {
        const r = await collectBatch(ctx, { batchSize: 500 });
        if (r.caughtUp) break;
      }
      const r = await store.pool.query<{ dup: number; first: number; claimed: number }>(
        `SELECT (SELECT sum(duplicate_successes)::int FROM ${store.t.ownTable("rollup_successes")} WHERE resolution = 'day') AS dup,
                (SELECT sum(first_successes)::int FROM ${store.t.ownTable("rollup_successes")} WHERE resolution = 'day') AS first,
                (SELECT sum(events)::int FROM ${store.t.ownTable("rollup_events")}
                  WHERE resolution = 'day' AND kind = 'claimed') AS claimed`,
      );
      // store growth from the keys' creation times, before the size samples span an hour
      await store.pool.query(`ANALYZE ${src.table}`); // (autovacuum's job: the sample reads it)
      await sampleStoreSize(ctx, storeSizeNames(ctx));
      const report = await getStoreReport(ctx, "30d");
      expect(report.growthBasis).toBe("creation times");
      const whole = report.createdExpired!.slice(0, -1);
      const from = whole.findIndex((d) => d.created > 0);
      expect(report.growthPerDay!.rows).toBeCloseTo(
        whole.slice(from).reduce((s, d) => s + d.created - d.expired, 0) / (whole.length - from),
      );
      // the key run again after connect, and the purged key's late retry
      expect(r.rows[0]!.dup).toBe(2);
      const succeeded = atConnect.filter(
        (k) => k.status === "completed" && k.code !== null && k.code >= 200 && k.code < 300,
      ).length;
      // intents that succeeded: those before connect, the three completed since, five new ones
      expect(r.rows[0]!.first).toBe(succeeded + 3 + 5);
      // a first request per row at connect, then the claims captured since (re-run, retry, new)
      expect(r.rows[0]!.claimed).toBe(atConnect.length + 1 + 1 + 5);
      // the re-run key and the purged key's retry: named with both successes, first requested
      // when their rows were created, and their new claims counted as retries
      const completed = atConnect.filter((k) => k.status === "completed");
      const [rerun, purged] = [completed[10]!, completed[20]!];
      const named = await store.pool.query<{ successes: number; first: Date }>(
        `SELECT successes, first_request_at AS first FROM ${store.t.ownTable("duplicate_intents")}
          ORDER BY first_request_at`,
      );
      const firstOf = (id: string) => atConnect.find((k) => k.id === id)!.created;
      expect(named.rows).toEqual(
        [rerun, purged]
          .map((k) => ({ successes: 2, first: firstOf(k.id) }))
          .sort((a, b) => a.first.getTime() - b.first.getTime()),
      );
      const retries = await store.pool.query<{ n: number }>(
        `SELECT sum(events)::int AS n FROM ${store.t.ownTable("rollup_retry_delays")}`,
      );
      expect(retries.rows[0]!.n).toBe(2);
    });

    it("rebuilds the indexes the import filled from below, once, as after the store's own history", async () => {
      const t = ctx.tables;
      expect(await rebuildDue(store.pool, t)).toBe(true);
      expect((await getFoldStatus(ctx)).indexesRebuiltAt).toBeNull();
      const rebuilt = await rebuildHistoryIndexes(store.pool, t, parseConfig({}));
      expect(rebuilt).not.toBe("pressure");
      expect((rebuilt as { index: string }[]).map((x) => x.index)).toContain("rollup_clients_pkey");
      expect(await rebuildDue(store.pool, t)).toBe(false);
      expect((await getFoldStatus(ctx)).indexesRebuiltAt).not.toBeNull();
      // the rollups read through the rebuilt indexes as before
      const dup = await store.pool.query<{ n: number }>(
        `SELECT sum(duplicate_successes)::int AS n FROM ${store.t.ownTable("rollup_successes")}
          WHERE resolution = 'day'`,
      );
      expect(dup.rows[0]!.n).toBe(2);
    });
  },
);
