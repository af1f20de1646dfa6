// Logical capture's health as the Overview and /api/metrics show it (the slot's lag and the WAL
// it keeps, a reader or none, a slot dropped behind idemscope's back), and an operator's fail
// under logical decoding: the library's row changes, but only the operator's own event counts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actOnKey } from "../../../lib/actions/stuck-actions";
import { parseConfig } from "../../../lib/config";
import { readStoreSnapshot } from "../../../lib/metrics/store-snapshot";
import { collectBatch } from "../../../lib/rollups/collect-batch";
import { drainCaptureQueue } from "../../../lib/sources/capture-drain";
import { getOverview } from "../../../lib/store/overview";
import { postRide } from "../../../scripts/demo/writers/stripe-style";
import { proxyOperator } from "../../helpers/identities";
import { connectLibraryStore, type ConnectedStore } from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
let src: ConnectedStore;
const cfg = parseConfig({});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  store = await createTestStore();
  src = await connectLibraryStore(store, "stripe-style", { capture: "logical", spans: false });
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
