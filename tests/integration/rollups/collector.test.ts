import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parseConfig } from "../../../lib/core/config";
import { startCollector, type Collector } from "../../../lib/fold/collector";
import { createPool } from "../../../lib/db/pool";
import { createTestStore, type TestStore } from "../../helpers/store";
import { rollupVersusRaw } from "../../helpers/rollup-totals";

let store: TestStore;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  store = await createTestStore();
});
afterAll(() => store.drop());

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(50);
  }
  throw new Error("condition not met in time");
}

async function writeEvents(n: number, tag: string) {
  await store.pool.query(
    `INSERT INTO ${store.t.events} (scope, endpoint, key, kind, response_code, latency_ms)
     SELECT 'c' || (g % 7), 'POST /v1/x', '${tag}-' || (g % 50),
            (ARRAY['claimed', 'completed', 'replayed', 'conflict'])[1 + g % 4],
            CASE WHEN g % 4 = 1 THEN 201 ELSE NULL END, CASE WHEN g % 4 = 2 THEN g % 30 ELSE NULL END
       FROM generate_series(1, $1) g`,
    [n],
  );
}

describe("collector leader election", () => {
  it("has exactly one leader among replicas, which fails over when the leader dies", async () => {
    const cfg = parseConfig({
      IDEMSCOPE_STORE_SCHEMA: store.schema,
      IDEMSCOPE_SCHEMA: `${store.schema}_own`,
    });
    const url = inject("databaseUrl");
    const replicas: Collector[] = [0, 1, 2].map(() =>
      startCollector({ databaseUrl: url, cfg, tickMs: 100 }),
    );
    try {
      await waitFor(() => replicas.some((r) => r.isLeader()));
      await sleep(500);
      expect(replicas.filter((r) => r.isLeader())).toHaveLength(1);

      await writeEvents(2000, "a");
      const leader = replicas.find((r) => r.isLeader())!;
      await leader.drain();

      // kill the leader's session as a crash would: another replica takes over
      await store.pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'idemscope-collector-leader'
            AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)`,
      );
      await waitFor(() => !leader.isLeader());
      await leader.stop();
      const others = replicas.filter((r) => r !== leader);
      await waitFor(() => others.some((r) => r.isLeader()));
      expect(others.filter((r) => r.isLeader())).toHaveLength(1);

      await writeEvents(1500, "b");
      await others.find((r) => r.isLeader())!.drain();
      for (const [name, { raw, rollup }] of Object.entries(
        await rollupVersusRaw(store.pool, store.t),
      )) {
        expect(rollup, name).toEqual(raw);
      }
      const samples = await store.pool.query(
        `SELECT DISTINCT table_name FROM ${store.t.ownTable("store_size_samples")} ORDER BY 1`,
      );
      expect(samples.rows.map((r) => r.table_name)).toEqual([
        "idempotency_events",
        "idempotency_keys",
      ]);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
    }
  });
});

describe("a login that holds the collector's election lock (docs/reliability.md, finding 7)", () => {
  it("does not stop the collector: the election moves to a new key, recorded and counted", async () => {
    // a store of its own: nothing left of the replicas above can hold its election
    const store = await createTestStore();
    const cfg = parseConfig({
      IDEMSCOPE_STORE_SCHEMA: store.schema,
      IDEMSCOPE_SCHEMA: `${store.schema}_own`,
    });
    const url = inject("databaseUrl");
    // a plain login, with no rights on idemscope's schema
    const role = `nobody_${store.schema}`;
    await store.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD 'nobody-password'`);
    const asNobody = new URL(url);
    asNobody.username = role;
    asNobody.password = "nobody-password";
    const nobody = createPool(asNobody.toString(), { max: 1, applicationName: "not-idemscope" });
    const first = startCollector({ databaseUrl: url, cfg, tickMs: 100 });
    let second: Collector | null = null;
    const squatter = await nobody.connect();
    try {
      await waitFor(() => first.isLeader());
      // what anyone can read: the advisory lock the leader holds
      const seen = await squatter.query<{ classid: number; objid: number }>(
        `SELECT classid::bigint::int4 AS classid,
                (CASE WHEN objid::bigint > 2147483647 THEN objid::bigint - 4294967296 ELSE objid::bigint END)::int4 AS objid
           FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2
            AND pid IN (SELECT pid FROM pg_stat_activity WHERE application_name = 'idemscope-collector-leader')`,
      );
      expect(seen.rows).toHaveLength(1);
      await first.stop();
      // the login takes it the moment the leader is gone
      const { classid, objid } = seen.rows[0]!;
      await squatter.query(`SELECT pg_advisory_lock($1, $2)`, [classid, objid]);
      second = startCollector({ databaseUrl: url, cfg, tickMs: 100 });
      await waitFor(() => second!.isLeader());
      const state = await store.pool.query(
        `SELECT leader_generation::int AS generation, election_blocked_by AS "blockedBy"
           FROM ${store.t.ownTable("collector_state")}`,
      );
      expect(state.rows[0].generation).toBe(1);
      expect(state.rows[0].blockedBy).toMatch(
        new RegExp(`role ${role}, application not-idemscope`),
      );
      await store.pool.query(
        `INSERT INTO ${store.t.events} (scope, endpoint, key, kind) SELECT 'c', 'POST /v1/x', 'c-' || g, 'claimed' FROM generate_series(1, 300) g`,
      );
      await second.drain();
      for (const [name, { raw, rollup }] of Object.entries(
        await rollupVersusRaw(store.pool, store.t),
      ))
        expect(rollup, name).toEqual(raw);
    } finally {
      squatter.release();
      await nobody.end();
      await first.stop();
      await second?.stop();
      await store.pool.query(`DROP ROLE ${role}`);
      await store.drop();
    }
  });
});
