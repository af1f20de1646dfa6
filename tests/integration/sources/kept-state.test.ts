// What capture keeps of a library's table for polling (lib/ingest/sources/kept-state.ts) is exact
// against the table: the keys in progress and the keys per minute of expiry follow every captured
// insert, update and delete, and the fill counts a row once even when changes race it (committed
// and still queued, or committed only after its snapshot).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/core/config";
import { captureModeNamed } from "../../../lib/contract/capture-modes";
import { drainCaptureQueue } from "../../../lib/ingest/sources/capture-drain";
import { keptShareLock, refillKeptState } from "../../../lib/ingest/sources/kept-state";
import { readExpiredKeys } from "../../../lib/query/store/store-report";
import { connectLibraryStore, type ConnectedStore } from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";

describe.each(["triggers", "logical"] as const)(
  "the kept state of a Stripe-style table (%s)",
  (capture) => {
    let store: TestStore;
    let src: ConnectedStore;
    let ctx: ReturnType<ConnectedStore["ctx"]>;
    let next = 0;
    beforeAll(async () => {
      store = await createTestStore();
      src = await connectLibraryStore(store, "stripe-style", {
        capture: captureModeNamed(capture)!,
        spans: false,
      });
      ctx = src.ctx(parseConfig({}));
    });
    afterAll(async () => {
      await src?.disconnect();
      await store.drop();
    });

    /** rows created `hoursAgo` (expiring 72 h later), `open` ones still in progress */
    const insert = (n: number, hoursAgo: number, open: boolean, db = store.pool) =>
      db.query(
        `INSERT INTO ${src.table} (created_at, idempotency_key, last_run_at, locked_at,
                                 request_method, request_params, request_path, response_code,
                                 recovery_point, user_id)
       SELECT now() - make_interval(hours => $2) - g * interval '1 minute', 'k-' || ($3 + g),
              now() - make_interval(hours => $2), now() - make_interval(hours => $2),
              'POST', '{}', '/rides', CASE WHEN $4 THEN NULL ELSE 201 END,
              CASE WHEN $4 THEN 'started' ELSE 'finished' END, 1 + g % 5
         FROM generate_series(1, $1) g`,
        [n, hoursAgo, (next += n) * 1000, open],
      );

    /** captured changes become events and kept state, as the collector's first step does */
    const caughtUp = async () => {
      await src.settle();
      await drainCaptureQueue(ctx);
    };

    const expectExact = async () => {
      const kept = await store.pool.query<{ id: string; locked_at: Date | null }>(
        `SELECT id::text, locked_at FROM ${src.t.openKeys} ORDER BY id`,
      );
      const table = await store.pool.query<{ id: string; locked_at: Date | null }>(
        `SELECT id::text, locked_at FROM ${src.t.keys} WHERE status = 'in_progress' ORDER BY id`,
      );
      expect(kept.rows).toEqual(table.rows);
      // the same minute for both reads, or read again
      for (;;) {
        const before = (
          await store.pool.query<{ m: Date }>(`SELECT date_trunc('minute', now()) AS m`)
        ).rows[0]!.m;
        const expired = await readExpiredKeys(ctx);
        const direct = await store.pool.query<{ n: number; oldest: Date | null }>(
          `SELECT count(*)::int AS n, min(date_trunc('minute', expires_at)) AS oldest FROM ${src.t.keys}
          WHERE date_trunc('minute', expires_at) < date_trunc('minute', now())`,
        );
        const after = (
          await store.pool.query<{ m: Date }>(`SELECT date_trunc('minute', now()) AS m`)
        ).rows[0]!.m;
        if (before.getTime() !== after.getTime()) continue;
        expect(expired.n).toBe(direct.rows[0]!.n);
        expect(expired.oldest).toEqual(direct.rows[0]!.oldest);
        return direct.rows[0]!.n;
      }
    };

    it("follows captured inserts, updates and deletes", async () => {
      await insert(40, 100, false); // expired a day ago
      await insert(30, 10, false);
      await insert(5, 2, true);
      await caughtUp();
      expect(await expectExact()).toBe(40);
      // a worker takes over a lock; another finishes; the reaper deletes what expired
      await store.pool.query(
        `UPDATE ${src.table} SET locked_at = now() WHERE id = (SELECT min(id) FROM ${src.table} WHERE recovery_point = 'started')`,
      );
      await store.pool.query(
        `UPDATE ${src.table} SET recovery_point = 'finished', response_code = 201
        WHERE id = (SELECT max(id) FROM ${src.table} WHERE recovery_point = 'started')`,
      );
      await store.pool.query(
        `DELETE FROM ${src.table} WHERE id IN (SELECT id FROM ${src.table} WHERE created_at < now() - interval '72 hours' LIMIT 15)`,
      );
      await caughtUp();
      expect(await expectExact()).toBe(25);
    });

    it("counts each row once when the fill races changes", async () => {
      // committed and captured, not yet drained when the fill reads the table
      await insert(12, 90, false);
      await store.pool.query(
        `DELETE FROM ${src.table} WHERE id IN (SELECT id FROM ${src.table} ORDER BY id LIMIT 3)`,
      );
      // still open while the fill reads: committed only after its snapshot
      const late = await store.pool.connect();
      await late.query("BEGIN");
      await insert(7, 80, false, late as unknown as typeof store.pool);
      await insert(2, 1, true, late as unknown as typeof store.pool);
      const lateXid = (await late.query<{ x: string }>(`SELECT pg_current_xact_id()::text AS x`))
        .rows[0]!.x;
      await refillKeptState(store.pool, src.t);
      await late.query("COMMIT");
      late.release();
      // the case this is about: the fill's snapshot did not see the late rows
      const seen = await store.pool.query<{ seen: boolean }>(
        `SELECT pg_visible_in_snapshot($1::xid8, snapshot) AS seen FROM ${src.t.ownTable("capture_fill")}`,
        [lateXid],
      );
      expect(seen.rows[0]!.seen).toBe(false);
      await caughtUp();
      expect(await expectExact()).toBe(41);
    });

    it("is exact when a fill waits for a collector batch that read before it", async () => {
      await insert(6, 85, false);
      await insert(1, 1, true);
      await src.settle();
      // a batch as the collector runs it: its lock, then its one snapshot, then the drain
      const batch = await store.pool.connect();
      await batch.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
      await batch.query(keptShareLock(src.t));
      await batch.query("SELECT 1");
      const fill = refillKeptState(store.pool, src.t);
      await insert(4, 70, false); // committed after the batch's snapshot, before the fill's
      await drainCaptureQueue({ ...ctx, db: batch });
      await batch.query("COMMIT");
      batch.release();
      await fill;
      await caughtUp();
      expect(await expectExact()).toBe(47);
    });
  },
);
