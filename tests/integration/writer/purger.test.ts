import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { purgeExpiredKeys } from "../../../lib/ingest/writer/purger";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;

beforeAll(async () => {
  store = await createTestStore();
});
afterAll(() => store.drop());

describe("purgeExpiredKeys", () => {
  it("deletes only expired keys, in batches, with one expired event each", async () => {
    await store.pool.query(
      `INSERT INTO ${store.t.keys} (scope, endpoint, key, request_hash, status, expires_at)
       SELECT 's', 'POST /x', 'k' || g, 'h', 'completed',
              CASE WHEN g <= 7 THEN now() - interval '1 minute' ELSE now() + interval '1 hour' END
         FROM generate_series(1, 10) g`,
    );
    expect(await purgeExpiredKeys(store.pool, store.t, 5)).toBe(5);
    expect(await purgeExpiredKeys(store.pool, store.t, 5)).toBe(2);
    expect(await purgeExpiredKeys(store.pool, store.t, 5)).toBe(0);
    const left = await store.pool.query(`SELECT count(*)::int AS n FROM ${store.t.keys}`);
    expect(left.rows[0].n).toBe(3);
    const events = await store.pool.query(
      `SELECT count(*)::int AS n FROM ${store.t.events} WHERE kind = 'expired' AND instance = 'purger'`,
    );
    expect(events.rows[0].n).toBe(7);
  });
});
