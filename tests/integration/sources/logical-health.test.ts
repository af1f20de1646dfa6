// Logical capture's health as the Overview and /api/metrics show it (the slot's lag and the WAL
// it keeps, a reader or none, a slot dropped behind idemscope's back), and an operator's fail
// under logical decoding: the library's row changes, but only the operator's own event counts.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { actOnKey } from "../../../lib/act/stuck-actions";
import { parseConfig } from "../../../lib/core/config";
import { readStoreSnapshot } from "../../../lib/query/metrics/store-snapshot";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { drainCaptureQueue } from "../../../lib/ingest/sources/capture-drain";
import { getOverview } from "../../../lib/query/store/overview";
import { postRide } from "../../../scripts/demo/writers/stripe-style";
import { proxyOperator } from "../../helpers/identities";
import { writeContextOf } from "../../../lib/contract/context";
import { createPool } from "../../../lib/db/pool";
import { startLogicalConsumer } from "../../../lib/ingest/sources/logical-consumer";
import {
  connectLibraryStore,
  waitForLogicalCapture,
  type ConnectedStore,
} from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";
import { LOGICAL } from "../../../lib/contract/capture-modes";

let store: TestStore;
let src: ConnectedStore;
const cfg = parseConfig({});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  store = await createTestStore();
  src = await connectLibraryStore(store, "stripe-style", { capture: LOGICAL, spans: false });
  for (let i = 0; i < 5; i++)
    await postRide(store.pool, src.table, { userId: 1, key: `h-${i}`, params: { i } });
  await postRide(store.pool, src.table, {
    userId: 2,
    key: "h-stuck",
    params: {},
    crashAfter: "ride_created",
  });
  await store.pool.query(
    `UPDATE ${src.table} SET locked_at = now() - interval '10 minutes' WHERE idempotency_key = 'h-stuck'`,
  );
  await src.settle();
});
afterAll(async () => {
  await src?.disconnect();
  await store.drop();
});

describe("logical capture's slot", () => {
  it("is streamed, close behind, and keeps a bounded amount of WAL", async () => {
    const o = await getOverview(src.ctx(cfg), "15m");
    expect(o.captureSlot).toMatchObject({ slot: src.binding.logical!.slot, active: true });
    expect(o.captureSlot!.lagSeconds).toBeLessThan(3);
    expect(o.captureSlot!.retainedWalBytes).toBeGreaterThanOrEqual(0);
    // max_slot_wal_keep_size = 2GB on the test server: the rest of it is still safe
    expect(o.captureSlot!.safeWalBytes).toBeGreaterThan(1.5 * 2 ** 30);
    expect(o.captureSlot!.walStatus).toBe("reserved");
    const snap = await readStoreSnapshot(src.ctx(cfg));
    expect(snap.slot).toMatchObject({ active: true, walStatus: "reserved" });
  });

  it("fails a stuck key with the operator's event only, though the library's row changed", async () => {
    const id = (
      await store.pool.query<{ id: string }>(
        `SELECT id FROM ${src.table} WHERE idempotency_key = 'h-stuck'`,
      )
    ).rows[0]!.id;
    await actOnKey(src.ctx(cfg), {
      id,
      action: "fail",
      reason: "worker died",
      actor: proxyOperator,
    });
    const row = await store.pool.query(
      `SELECT recovery_point, response_code FROM ${src.table} WHERE id = $1`,
      [id],
    );
    expect(row.rows[0]).toEqual({ recovery_point: "finished", response_code: 500 });
    await src.settle();
    await drainCaptureQueue(src.ctx(cfg));
    const kinds = await store.pool.query<{ kind: string }>(
      `SELECT kind FROM ${src.t.events} WHERE key_id = $1 ORDER BY at, id`,
      [id],
    );
    // without the operator's WAL message the decoder would add a 'failed' completion here
    expect(kinds.rows.map((r) => r.kind)).toEqual(["claimed", "failed_manually"]);
    for (let i = 0; i < 10; i++) if ((await collectBatch(src.ctx(cfg))).caughtUp) break;
    const o = await getOverview(src.ctx(cfg), "15m");
    expect(o.requests).toBe(6);
    expect(o.duplicateSuccesses).toBe(0);
  });

  it("queues a batch with a row it cannot derive; the drain drops that row alone and the stream goes on", async () => {
    await src.stopConsumer();
    // a definition that fails on user 7's rows (a preset file's expression that divides)
    const binding = {
      ...src.binding,
      preset: {
        ...src.preset,
        derive: { ...src.preset.derive, scope: "(r.user_id / (7 - r.user_id))::text" },
      },
    };
    const t = { ...src.t, source: binding };
    const pool = createPool(inject("databaseUrl"), { max: 2 });
    const stream = startLogicalConsumer({
      pool,
      databaseUrl: inject("databaseUrl"),
      binding,
      own: t,
      heartbeatMs: 100,
      flushMs: 50,
    });
    try {
      await postRide(store.pool, src.table, { userId: 3, key: "d-ok", params: {} });
      await postRide(store.pool, src.table, { userId: 7, key: "d-bad", params: {} });
      await postRide(store.pool, src.table, { userId: 3, key: "d-ok-2", params: {} });
      await waitForLogicalCapture(store, t);
      const errors = async () =>
        Number(
          (
            await store.pool.query(
              `SELECT last_value, is_called FROM ${t.ownTable("capture_errors")}`,
            )
          ).rows.map((r) => (r.is_called ? r.last_value : 0))[0],
        );
      const before = await errors();
      const r = await drainCaptureQueue(writeContextOf(store.pool, t, cfg));
      // every change of d-bad (its claim, two stages, its completion): the kept state follows
      // each change of a key, and none of d-bad's has a scope
      expect(r.dropped).toBe(4);
      expect(await errors()).toBe(before + 4);
      const kinds = await store.pool.query<{ key: string; n: number }>(
        `SELECT key, count(*)::int AS n FROM ${t.events} WHERE key LIKE 'd-%' GROUP BY key ORDER BY key`,
      );
      expect(kinds.rows).toEqual([
        { key: "d-ok", n: 2 },
        { key: "d-ok-2", n: 2 },
      ]);
    } finally {
      await stream.stop();
      await pool.end();
    }
  });

  it("says when no reader streams it, and when it was dropped behind idemscope's back", async () => {
    await src.stopConsumer();
    await sleep(1500);
    const idle = await readStoreSnapshot(src.ctx(cfg));
    expect(idle.slot!.active).toBe(false);
    expect(idle.slot!.lagSeconds).toBeGreaterThan(1);
    await store.pool.query(`SELECT pg_drop_replication_slot($1)`, [src.binding.logical!.slot]);
    const gone = await readStoreSnapshot(src.ctx(cfg));
    expect(gone.slot).toMatchObject({ walStatus: "missing", active: null });
  });
});
