// What the collector sees of the store's own writes (lib/fold/store-writes.ts), from the
// statistics PostgreSQL keeps: the contract's keys table, and a connected preset's own table.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeWritesWatcher, writtenTable } from "../../../lib/fold/store-writes";
import { postRide } from "../../../scripts/demo/writers/stripe-style";
import { connectLibraryStore, type ConnectedStore } from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let store: TestStore;
beforeAll(async () => {
  store = await createTestStore();
});
afterAll(() => store.drop());

describe("the contract's keys table", () => {
  it("counts its writes a second, and a store quiet for less than ten seconds as written", async () => {
    const look = storeWritesWatcher(store.pool);
    // before there is a rate, the store counts as written
    expect(await look(store.t)).toEqual({ perSecond: null, busy: true });
    await store.pool.query(
      `INSERT INTO ${store.t.keys} (scope, endpoint, key, request_hash, status, expires_at)
       SELECT 'w', 'POST /v1/x', 'rate-' || g, 'h', 'completed', now() + interval '1 day'
         FROM generate_series(1, 500) g`,
    );
    // the inserting session reports its counts within a second
    let seen = { perSecond: 0 as number | null, busy: false };
    for (let i = 0; i < 30 && !seen.perSecond; i++) {
      await sleep(200);
      seen = await look(store.t);
    }
    expect(seen.perSecond).toBeGreaterThan(0);
    expect(seen.busy).toBe(true);
    await sleep(1_100);
    const quiet = await look(store.t);
    expect(quiet.perSecond).toBe(0);
    expect(quiet.busy).toBe(true); // written less than ten seconds ago
  });
});

describe("a connected Stripe-style store", () => {
  let src: ConnectedStore;
  beforeAll(async () => {
    src = await connectLibraryStore(store, "stripe-style");
  });
  afterAll(() => src?.disconnect());

  it("watches the library's own table, not the mapping view", async () => {
    expect(writtenTable(src.t)).toBe(src.table);
    const look = storeWritesWatcher(store.pool);
    await look(src.t);
    for (let i = 0; i < 5; i++)
      await postRide(store.pool, src.table, { userId: 1, key: `watch-${i}`, params: { i } });
    let seen: number | null = 0;
    for (let i = 0; i < 30 && !seen; i++) {
      await sleep(200);
      seen = (await look(src.t)).perSecond;
    }
    expect(seen).toBeGreaterThan(0);
  });
});
