// Reads cannot starve the operator's actions: with every read connection held by slow queries (a
// lock on a table the Clients page reads), a release still gets a connection of its own pool and
// answers at once, and the reads that find the pool full are told "busy", not "unreachable".
import { afterAll, beforeAll, expect, it } from "vitest";
import { NextRequest } from "next/server";
import type { PoolClient } from "pg";
import { insertKey } from "../../helpers/events";
import { getRequest, useStoreForRoutes } from "../../helpers/route-env";
import { createTestStore, type TestStore } from "../../helpers/store";

const OPERATOR = "write-pool-operator-token-0123456789";
type Handler = (req: NextRequest, ctx: unknown) => Promise<Response>;
let store: TestStore;
let clients: Handler;
let release: Handler;

beforeAll(async () => {
  store = await createTestStore();
  useStoreForRoutes(store, {
    IDEMSCOPE_TOKENS: `pager:operator:${OPERATOR}`,
    IDEMSCOPE_POOL_MAX: "3",
    IDEMSCOPE_STATEMENT_TIMEOUT_MS: "7000",
    IDEMSCOPE_CACHE_TTL_MS: "0",
  });
  clients = ((await import("../../../app/api/v1/clients/route")) as unknown as { GET: Handler })
    .GET;
  release = (
    (await import("../../../app/api/v1/keys/[id]/release/route")) as unknown as { POST: Handler }
  ).POST;
});
afterAll(() => store.drop());

it("releases a stuck key at once while slow reads hold every read connection", async () => {
  const id = await insertKey(store.pool, store.t, {
    endpoint: "POST /v1/payments",
    key: "stuck-during-incident",
    status: "in_progress",
    lockedSecondsAgo: 3600,
  });
  const blocker: PoolClient = await store.pool.connect();
  const auth = { authorization: `Bearer ${OPERATOR}` };
  let reads: Promise<Response[]> = Promise.resolve([]);
  try {
    await blocker.query("BEGIN");
    await blocker.query(
      `LOCK TABLE ${store.t.ownTable("client_range_totals")} IN ACCESS EXCLUSIVE MODE`,
    );
    // 24 viewers, each a different page: 3 wait on the lock, 21 wait for a connection
    reads = Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        clients(getRequest(`/api/v1/clients?range=24h&limit=${i + 1}`, auth), {}),
      ),
    );
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    const res = await release(
      new NextRequest(new URL(`/api/v1/keys/${id}/release`, "http://127.0.0.1:3000"), {
        method: "POST",
        headers: { "content-type": "application/json", ...auth },
        body: JSON.stringify({ reason: "incident: worker died" }),
      }),
      { params: Promise.resolve({ id }) },
    );
    const tookMs = Date.now() - started;
    expect(res.status).toBe(200);
    expect((await res.json()).key.lockedAt).toBeNull();
    expect(tookMs).toBeLessThan(1500);

    // the reads on the lock time out; those still waiting for a connection after the pool's
    // 5 s wait are told "busy", with a message; none is called "unreachable"
    const bodies = await Promise.all((await reads).map((r) => r.json()));
    const errors = bodies.map((b: { error?: string }) => b.error);
    expect(errors.filter((e) => e === "query_timeout").length).toBeGreaterThanOrEqual(1);
    expect(errors.filter((e) => e === "database_busy").length).toBeGreaterThanOrEqual(18);
    expect(errors.every((e) => e === "query_timeout" || e === "database_busy")).toBe(true);
    for (const body of bodies.filter((b) => b.error === "database_busy")) {
      expect(body.message).toMatch(/busy: all 3 of idemscope's connections/);
      expect(body.message).not.toMatch(/unreachable/);
    }
  } finally {
    await blocker.query("ROLLBACK").catch(() => undefined);
    blocker.release();
    await reads.catch(() => undefined);
  }
  const after = await clients(getRequest("/api/v1/clients?range=24h", auth), {});
  expect(after.status).toBe(200);
}, 40_000);
