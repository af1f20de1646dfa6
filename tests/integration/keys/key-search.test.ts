// Key search on real PostgreSQL: exact and prefix taken literally, purged intents found through
// their events, recent mode, keyset pages without gaps or repeats.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeCursor } from "../../../lib/core/cursor";
import { keySearchCursor } from "../../../lib/query/params/key-search-schemas";
import {
  PURGED_WINDOW,
  searchKeys,
  type KeySearch,
  type KeySearchCursor,
} from "../../../lib/query/store/key-search";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
const P = "POST /v1/payments";
const R = "POST /v1/refunds";

async function key(scope: string, endpoint: string, k: string, status = "completed") {
  await store.pool.query(
    `INSERT INTO ${store.t.keys} (scope, endpoint, key, request_hash, status, expires_at)
     VALUES ($1, $2, $3, 'h', $4, now() + interval '1 day')`,
    [scope, endpoint, k, status],
  );
  await event(scope, endpoint, k, "claimed");
}

async function event(scope: string, endpoint: string, k: string, kind: string) {
  await store.pool.query(
    `INSERT INTO ${store.t.events} (scope, endpoint, key, kind) VALUES ($1, $2, $3, $4)`,
    [scope, endpoint, k, kind],
  );
}

async function all(q: KeySearch, limit = 3) {
  const items: { key: string; scope: string; endpoint: string; status: string }[] = [];
  let cursor: KeySearchCursor | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await searchKeys(store.ctx(), q, { limit, cursor });
    items.push(...page.items);
    if (!page.nextCursor) break;
    cursor = decodeCursor(page.nextCursor, keySearchCursor);
  }
  return items;
}

beforeAll(async () => {
  store = await createTestStore();
  await key("acme", P, "ord-7781");
  await key("globex", P, "ord-7781", "in_progress");
  await key("acme", R, "ord-7781");
  await key("acme", P, "ord-7782");
  await key("acme", P, "ord_7783"); // '_' is a LIKE wildcard: must not match "ord-" prefixes
  await key("acme", P, "50%off");
  await key("acme", P, "50xoff");
  await key("acme", P, "back\\slash");
  await key("acme", P, "zürich 🚀 key");
  // a purged intent: events only
  await event("initech", P, "ord-7781", "claimed");
  await event("initech", P, "ord-7781", "completed");
  await event("initech", P, "ord-7781", "expired");
});
afterAll(() => store.drop());

describe("key mode", () => {
  it("finds an exact key across clients and endpoints, purged ones included", async () => {
    const items = await all({ key: "ord-7781" });
    expect(items.map((i) => `${i.scope} ${i.endpoint} ${i.status}`)).toEqual([
      `acme ${P} completed`,
      `acme ${R} completed`,
      `globex ${P} in_progress`,
      `initech ${P} purged`,
    ]);
    expect(items.every((i) => i.key === "ord-7781")).toBe(true);
  });

  it("treats % _ and \\ literally", async () => {
    expect((await all({ prefix: "ord-" })).map((i) => i.key)).not.toContain("ord_7783");
    expect((await all({ prefix: "ord_" })).map((i) => i.key)).toEqual(["ord_7783"]);
    expect((await all({ prefix: "50%" })).map((i) => i.key)).toEqual(["50%off"]);
    expect((await all({ key: "back\\slash" })).map((i) => i.key)).toEqual(["back\\slash"]);
    expect((await all({ prefix: "zürich 🚀" })).map((i) => i.key)).toEqual(["zürich 🚀 key"]);
  });

  it("filters by client, endpoint and status; purged only on request", async () => {
    expect((await all({ prefix: "ord", scope: "globex" })).map((i) => i.key)).toEqual(["ord-7781"]);
    expect((await all({ key: "ord-7781", endpoint: R })).map((i) => i.scope)).toEqual(["acme"]);
    expect((await all({ key: "ord-7781", status: "purged" })).map((i) => i.scope)).toEqual([
      "initech",
    ]);
    expect((await all({ key: "ord-7781", status: "in_progress" })).map((i) => i.scope)).toEqual([
      "globex",
    ]);
  });

  it("pages through more purged-event rows than one window holds without losing intents", async () => {
    // 2,500 event rows of one live key sort before a purged one: the window moves on by cursor
    await store.pool.query(
      `INSERT INTO ${store.t.events} (scope, endpoint, key, kind)
       SELECT 'acme', $1, 'win-a', 'replayed' FROM generate_series(1, $2)`,
      [P, PURGED_WINDOW + 500],
    );
    await key("acme", P, "win-a");
    await event("acme", P, "win-b", "claimed"); // purged
    await key("acme", P, "win-c");
    const items = await all({ prefix: "win-" }, 50);
    expect(items.map((i) => `${i.key}:${i.status}`)).toEqual([
      "win-a:completed",
      "win-b:purged",
      "win-c:completed",
    ]);
  });

  it("fills a whole page when more intents match than the purged-event window holds", async () => {
    // 3,000 intents with one event each (a real prefix search): the window is full on every
    // page, and its boundary must be its last intent, not its first
    const n = PURGED_WINDOW + 1000;
    await store.pool.query(
      `INSERT INTO ${store.t.keys} (scope, endpoint, key, request_hash, status, expires_at)
       SELECT 'acme', $1, 'many-' || lpad(i::text, 5, '0'), 'h', 'completed', now() + interval '1 day'
         FROM generate_series(1, $2) i`,
      [P, n],
    );
    await store.pool.query(
      `INSERT INTO ${store.t.events} (scope, endpoint, key, kind)
       SELECT 'acme', $1, 'many-' || lpad(i::text, 5, '0'), 'claimed' FROM generate_series(1, $2) i`,
      [P, n],
    );
    const first = await searchKeys(store.ctx(), { prefix: "many-" }, { limit: 50 });
    expect(first.items).toHaveLength(50);
    expect(first.items[49]?.key).toBe("many-00050");
    const items = await all({ prefix: "many-" }, 500);
    expect(items).toHaveLength(n);
    expect(new Set(items.map((i) => i.key)).size).toBe(n);
  });
});

describe("recent mode", () => {
  it("lists live keys newest first, filtered, across pages", async () => {
    const items = await all({ scope: "acme", endpoint: P }, 2);
    expect(items.length).toBeGreaterThanOrEqual(8);
    expect(new Set(items.map((i) => i.key)).size).toBe(items.length);
    expect(items.every((i) => i.scope === "acme" && i.endpoint === P)).toBe(true);
    expect((await all({ status: "in_progress" })).map((i) => i.scope)).toEqual(["globex"]);
  });
});
