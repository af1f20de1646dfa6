// With IDEMSCOPE_READ_DATABASE_URL set, the dashboard reads from the replica and writes every
// change (release, fail, the audit row) to the primary. The "replica" here is a second database
// on the test server holding different rows, so each answer shows where it came from.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import type { Pool } from "pg";
import { errorResponse } from "../../../lib/edge/http/errors";
import { createPool } from "../../../lib/db/pool";
import { allStatements } from "../../../lib/contract/schema/all";
import { startCollectorFromEnv, localCollector } from "../../../lib/fold/start";
import { insertEvents, insertKey } from "../../helpers/events";
import { getRequest, useStoreForRoutes } from "../../helpers/route-env";
import { createTestStore, type TestStore } from "../../helpers/store";
import { NextRequest } from "next/server";

const TOKEN = "replica-operator-token-0123456789";
type Handler = (req: NextRequest, ctx: unknown) => Promise<Response>;
let store: TestStore;
let replica: Pool;
let replicaDb: string;
let admin: Pool;

beforeAll(async () => {
  store = await createTestStore();
  replicaDb = `replica_${randomBytes(4).toString("hex")}`;
  admin = createPool(inject("databaseUrl"), { max: 1 });
  await admin.query(`CREATE DATABASE ${replicaDb}`);
  const url = new URL(inject("databaseUrl"));
  url.pathname = `/${replicaDb}`;
  replica = createPool(url.toString(), { max: 2 });
  await replica.query(`CREATE SCHEMA ${store.schema}`);
  for (const s of allStatements(store.t, {
    keys: "idempotency_keys",
    events: "idempotency_events",
  }))
    await replica.query(s);
  useStoreForRoutes(store, {
    IDEMSCOPE_READ_DATABASE_URL: url.toString(),
    IDEMSCOPE_TOKENS: `pager:operator:${TOKEN}`,
    IDEMSCOPE_COLLECTOR: "on", // started by hand below, as instrumentation.ts does
  });
  // the same stuck key on both (as replication would have it), plus one only the replica has
  for (const db of [store.pool, replica])
    await insertKey(db, store.t, {
      endpoint: "POST /v1/x",
      key: "both",
      status: "in_progress",
      lockedSecondsAgo: 3600,
    });
  await insertKey(replica, store.t, {
    endpoint: "POST /v1/x",
    key: "replica-only",
    status: "in_progress",
    lockedSecondsAgo: 3600,
  });
});
afterAll(async () => {
  await localCollector()?.stop();
  const g = globalThis as { idemscopePool?: Pool; idemscopeWritePool?: Pool };
  await g.idemscopePool?.end();
  await replica.end();
  await admin.query(`DROP DATABASE ${replicaDb} WITH (FORCE)`);
  await admin.end();
  await store.drop();
});

it("reads from the replica", async () => {
  const { GET } = (await import("../../../app/api/v1/stuck/route")) as unknown as { GET: Handler };
  const res = await GET(getRequest("/api/v1/stuck", { authorization: `Bearer ${TOKEN}` }), {});
  expect(res.status).toBe(200);
  const body = (await res.json()) as { items: { key: string }[] };
  expect(body.items.map((k) => k.key).sort()).toEqual(["both", "replica-only"]);
});

it("writes the release and its audit row to the primary, never to the replica", async () => {
  const id = (
    await store.pool.query<{ id: string }>(`SELECT id FROM ${store.t.keys} WHERE key = 'both'`)
  ).rows[0]!.id;
  const { POST } = (await import("../../../app/api/v1/keys/[id]/release/route")) as unknown as {
    POST: Handler;
  };
  const res = await POST(
    new NextRequest(new URL(`/api/v1/keys/${id}/release`, "http://127.0.0.1:3000"), {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ reason: "worker web-9 is gone" }),
    }),
    { params: Promise.resolve({ id }) },
  );
  expect(res.status, await res.clone().text()).toBe(200);
  const state = async (db: Pool) => ({
    lockOwner: (await db.query(`SELECT lock_owner FROM ${store.t.keys} WHERE key = 'both'`)).rows[0]
      ?.lock_owner,
    audit: (await db.query(`SELECT count(*)::int AS n FROM ${store.t.ownTable("audit_log")}`))
      .rows[0]?.n,
    events: (await db.query(`SELECT count(*)::int AS n FROM ${store.t.events}`)).rows[0]?.n,
  });
  expect(await state(store.pool)).toEqual({ lockOwner: null, audit: 1, events: 1 });
  expect(await state(replica)).toEqual({ lockOwner: "web-9", audit: 0, events: 0 });
});

it("runs the collector's rollups on the primary, never on the replica", async () => {
  await insertEvents(store.pool, store.t, [
    { secondsAgo: 5, scope: "c1", endpoint: "POST /v1/x", key: "r1", kind: "claimed" },
    {
      secondsAgo: 4,
      scope: "c1",
      endpoint: "POST /v1/x",
      key: "r1",
      kind: "completed",
      responseCode: 201,
      latencyMs: 80,
    },
  ]);
  const collector = startCollectorFromEnv();
  expect(collector).toBeDefined();
  await collector!.drain();
  const claimed = async (db: Pool) =>
    (
      await db.query<{ n: number }>(
        `SELECT coalesce(sum(events), 0)::int AS n FROM ${store.t.ownTable("rollup_events")}
          WHERE resolution = 'minute' AND kind = 'claimed'`,
      )
    ).rows[0]!.n;
  expect(await claimed(store.pool)).toBe(1);
  expect(await claimed(replica)).toBe(0);
  const watermark = async (db: Pool) =>
    (await db.query(`SELECT watermark::int AS w FROM ${store.t.ownTable("collector_state")}`))
      .rows[0]?.w ?? 0;
  expect(await watermark(store.pool)).toBeGreaterThan(0);
  expect(await watermark(replica)).toBe(0);
});

it("health checks the primary and the replica", async () => {
  const { GET } = (await import("../../../app/api/health/route")) as unknown as { GET: Handler };
  const res = await GET(getRequest("/api/health"), {});
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ status: "ok", database: "up", readReplica: "up" });
});

it("turns a replica's conflict with recovery into a retryable 503 with a message", () => {
  const err = Object.assign(new Error("canceling statement due to conflict with recovery"), {
    code: "40001",
  });
  expect(errorResponse(err)).toEqual({
    status: 503,
    body: {
      error: "replica_conflict",
      message:
        "The read replica cancelled the query while applying changes from the primary; retry in a moment.",
    },
  });
});
