// Property test of GET /api/v1/keys (the real route handler on real PostgreSQL): any string as
// key, prefix, client or endpoint gets a 200 whose items match it literally, or a 400 with a
// message; never a 5xx.
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestStore, type TestStore } from "../../helpers/store";
import { getRequest, useStoreForRoutes } from "../../helpers/route-env";

let store: TestStore;
let GET: (req: ReturnType<typeof getRequest>, ctx: unknown) => Promise<Response>;
const stored: string[] = [];

// strings a client may really send as keys: wildcards, quotes, unicode, spaces, long
const nasty = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom("%", "_", "\\", "'", '"', " ", "a", "é", "🚀", "\u0000"),
    maxLength: 12,
  }),
  fc.string({ minLength: 250, maxLength: 300 }),
);

beforeAll(async () => {
  store = await createTestStore();
  useStoreForRoutes(store);
  ({ GET } = (await import("../../../app/api/v1/keys/route")) as unknown as { GET: typeof GET });
  // a store full of awkward keys, written the way a writer would
  const keys = fc.sample(
    fc.string({
      unit: fc.constantFrom("%", "_", "\\", "'", " ", "a", "b", "é", "🚀"),
      minLength: 1,
      maxLength: 8,
    }),
    { numRuns: 300, seed: 42 },
  );
  for (const k of new Set(keys)) {
    await store.pool.query(
      `INSERT INTO ${store.t.keys} (scope, endpoint, key, request_hash, status, expires_at)
       VALUES ('acme', 'POST /v1/x', $1, 'h', 'completed', now() + interval '1 day')`,
      [k],
    );
    stored.push(k);
  }
});
afterAll(() => store.drop());

async function search(params: Record<string, string>) {
  const qs = new URLSearchParams(params).toString();
  const res = await GET(getRequest(`/api/v1/keys?${qs}&limit=500`), {});
  const body = (await res.json()) as { items?: { key: string }[]; message?: string };
  return { status: res.status, body };
}

const acceptable = (s: string) => s.length > 0 && [...s].length <= 255 && !s.includes("\u0000");

it("never answers 5xx and matches exact keys literally", async () => {
  await fc.assert(
    fc.asyncProperty(nasty, async (s) => {
      const { status, body } = await search({ key: s });
      if (!acceptable(s)) {
        expect(status).toBe(400);
        expect(body.message?.length).toBeGreaterThan(5);
        return;
      }
      expect(status).toBe(200);
      expect(body.items!.every((i) => i.key === s)).toBe(true);
      expect(body.items!.length).toBe(stored.includes(s) ? 1 : 0);
    }),
    { numRuns: 150 },
  );
});

it("matches prefixes literally: exactly the stored keys that start with it", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.constantFrom(...stored).map((k) => [...k].slice(0, 1 + ([...k].length >> 1)).join("")),
        nasty,
      ),
      async (p) => {
        const { status, body } = await search({ prefix: p });
        if (!acceptable(p)) {
          expect(status).toBe(400);
          return;
        }
        expect(status).toBe(200);
        const got = body.items!.map((i) => i.key).sort();
        const want = stored.filter((k) => k.startsWith(p)).sort();
        expect(got).toEqual(want.slice(0, 500));
      },
    ),
    { numRuns: 150 },
  );
});

it("never answers 5xx for any parameter", async () => {
  const names = [
    "key",
    "prefix",
    "scope",
    "endpoint",
    "status",
    "from",
    "to",
    "limit",
    "cursor",
    "nope",
  ];
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...names), nasty, async (name, value) => {
      const { status, body } = await search({ [name]: value });
      expect(status).toBeLessThan(500);
      if (status >= 400) expect(body.message?.length).toBeGreaterThan(5);
    }),
    { numRuns: 200 },
  );
});
