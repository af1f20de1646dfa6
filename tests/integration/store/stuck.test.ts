import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/core/config";
import { decodeCursor } from "../../../lib/core/cursor";
import { listStuckKeys, type StuckCursor } from "../../../lib/query/store/stuck";
import { createTestStore, type TestStore } from "../../helpers/store";
import { insertKey } from "../../helpers/events";
import { z } from "zod";

let store: TestStore;
const cfg = parseConfig({ IDEMSCOPE_ENDPOINT_LOCK_TIMEOUTS: "POST /v1/refunds=60" });
const P = "POST /v1/payments";
const R = "POST /v1/refunds";
const cursorSchema = z.object({ since: z.string(), id: z.string() });

beforeAll(async () => {
  store = await createTestStore();
  // 12 stuck payments, 10 to 21 minutes old, two lock owners
  for (let i = 0; i < 12; i++) {
    await insertKey(store.pool, store.t, {
      endpoint: P,
      key: `p${i}`,
      status: "in_progress",
      lockedSecondsAgo: 600 + i * 60,
    });
  }
  await store.pool.query(
    `UPDATE ${store.t.keys} SET lock_owner = 'web-2', scope = 'beta' WHERE key IN ('p0', 'p1', 'p2')`,
  );
  await insertKey(store.pool, store.t, {
    endpoint: R,
    key: "r-stuck",
    status: "in_progress",
    lockedSecondsAgo: 90,
  });
  await insertKey(store.pool, store.t, {
    endpoint: P,
    key: "orphan",
    status: "in_progress",
    lockedSecondsAgo: null,
    updatedSecondsAgo: 4000,
  });
  await insertKey(store.pool, store.t, {
    endpoint: P,
    key: "fresh",
    status: "in_progress",
    lockedSecondsAgo: 30,
  });
  await insertKey(store.pool, store.t, {
    endpoint: P,
    key: "done",
    status: "completed",
    lockedSecondsAgo: null,
    updatedSecondsAgo: 9000,
  });
});
afterAll(() => store.drop());

describe("listStuckKeys", () => {
  it("lists stuck and orphaned keys, oldest first, with per-endpoint lock timeouts", async () => {
    const page = await listStuckKeys(store.ctx(cfg), {}, { limit: 50 });
    expect(page.total).toBe(14);
    expect(page.items.map((k) => k.key)).toEqual([
      "orphan",
      ...Array.from({ length: 12 }, (_, i) => `p${11 - i}`),
      "r-stuck",
    ]);
    expect(page.items[0]).toMatchObject({
      lockedAt: null,
      lockOwner: null,
      recoveryPoint: null,
      attempts: 1,
    });
    expect(page.items[13]).toMatchObject({ endpoint: R, lockTimeoutSeconds: 60 });
    expect(page.items[1]!.ageSeconds).toBeGreaterThan(1255);
    expect(page.nextCursor).toBeNull();
  });

  it("pages with a keyset cursor without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: StuckCursor | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await listStuckKeys(store.ctx(cfg), {}, { limit: 5, cursor });
      seen.push(...page.items.map((k) => k.key));
      if (!page.nextCursor) break;
      cursor = decodeCursor(page.nextCursor, cursorSchema);
    }
    expect(seen).toHaveLength(14);
    expect(new Set(seen).size).toBe(14);
  });

  it("sorts newest first on request, paging in that direction too", async () => {
    const all = (await listStuckKeys(store.ctx(cfg), {}, { limit: 50 })).items.map((k) => k.key);
    const seen: string[] = [];
    let cursor: StuckCursor | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await listStuckKeys(store.ctx(cfg), {}, { limit: 4, cursor, order: "newest" });
      seen.push(...page.items.map((k) => k.key));
      if (!page.nextCursor) break;
      cursor = decodeCursor(page.nextCursor, cursorSchema);
    }
    expect(seen).toEqual([...all].reverse());
  });

  it("filters by endpoint, client, lock owner and minimum age", async () => {
    const list = async (f: Parameters<typeof listStuckKeys>[1]) =>
      (await listStuckKeys(store.ctx(cfg), f, { limit: 50 })).items.map((k) => k.key).sort();
    expect(await list({ endpoint: R })).toEqual(["r-stuck"]);
    expect(await list({ scope: "beta" })).toEqual(["p0", "p1", "p2"]);
    expect(await list({ lockOwner: "web-2", endpoint: P })).toEqual(["p0", "p1", "p2"]);
    expect(await list({ minAgeSeconds: 1000 })).toEqual(["orphan", "p10", "p11", "p7", "p8", "p9"]);
    expect((await listStuckKeys(store.ctx(cfg), { scope: "nobody" }, { limit: 50 })).total).toBe(0);
  });
});
