import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/core/config";
import { contextOf } from "../../../lib/contract/context";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { createPool } from "../../../lib/db/pool";
import { handleIdempotent } from "../../../lib/ingest/writer/idempotent-handler";
import { requestFingerprint } from "../../../lib/ingest/writer/fingerprint";
import { createTestStore, type TestStore } from "../../helpers/store";
import { rollupVersusRaw } from "../../helpers/rollup-totals";
import { inject } from "vitest";

let store: TestStore;
const ENDPOINTS = ["POST /v1/payments", "POST /v1/orders", "POST /v1/refunds"];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  store = await createTestStore({ poolMax: 40 });
});
afterAll(() => store.drop());

/** A writer client: new intents, retries of recent ones, payload reuse, declines. */
// Shared by all writers, so that retries race each other (conflicts) across writers.
const recent: string[] = [];

async function writer(id: number, until: number, counter: { requests: number }) {
  let n = 0;
  while (Date.now() < until) {
    n += 1;
    const reuse = recent.length > 0 && Math.random() < 0.35;
    const key = reuse ? recent[Math.floor(Math.random() * recent.length)]! : `w${id}-${n}`;
    if (!reuse) recent.push(key);
    if (recent.length > 30) recent.shift();
    const endpoint =
      ENDPOINTS[[...key].reduce((sum, ch) => sum + ch.charCodeAt(0), 0) % ENDPOINTS.length]!;
    const amount = Math.random() < 0.05 ? 999 : 100; // a different payload now and then: mismatch
    await handleIdempotent(
      store.pool,
      store.t,
      {
        scope: `client-${Number(key.split("-")[0]!.slice(1)) % 5}`,
        endpoint,
        key,
        requestHash: requestFingerprint("POST", endpoint, { amount }),
        instance: `w${id}`,
      },
      { lockTimeoutSeconds: 300, ttlSeconds: 3600 },
      async () => {
        await sleep(3); // a little work, so that concurrent retries find the key in progress
        return Math.random() < 0.1
          ? { status: 402, body: { error: "declined" } }
          : { status: 201, body: { ok: true } };
      },
    );
    counter.requests += 1;
  }
}

/** Holds an event insert open for a while (its id sorts before later commits), then commits or rolls back. */
async function slowTransaction(holdMs: number, commit: boolean) {
  const c = await store.pool.connect();
  try {
    await c.query("BEGIN");
    await c.query(
      `INSERT INTO ${store.t.events} (at, scope, endpoint, key, kind, response_code)
       VALUES (now(), 'slow', 'POST /v1/payments', 'slow-' || random(), 'completed', 201),
              (now(), 'slow', 'POST /v1/payments', 'slow-x', 'claimed', NULL)`,
    );
    await sleep(holdMs);
    await c.query(commit ? "COMMIT" : "ROLLBACK");
  } finally {
    c.release();
  }
}

describe("collectBatch", () => {
  it("equals the raw counts exactly after concurrent writers, slow and rolled-back transactions, a crash and a restart", async () => {
    const until = Date.now() + 4_000;
    const counter = { requests: 0 };
    let collecting = true;
    let batches = 0;
    const collector = (async () => {
      while (collecting) {
        await collectBatch(store.ctx(), { batchSize: 150, gapFenceSeconds: 0.5 });
        batches += 1;
        await sleep(20);
      }
    })();
    const slow = [
      slowTransaction(1_500, true),
      slowTransaction(2_500, true),
      slowTransaction(1_000, false),
      (async () => {
        await sleep(1_000);
        await slowTransaction(2_000, true);
      })(),
    ];
    await Promise.all([...Array.from({ length: 8 }, (_, i) => writer(i, until, counter)), ...slow]);
    collecting = false;
    await collector;
    expect(counter.requests).toBeGreaterThan(200);
    expect(batches).toBeGreaterThan(5);

    // a collector crash mid-batch: the batch's work is rolled back whole
    await store.pool.query(
      `INSERT INTO ${store.t.events} (scope, endpoint, key, kind, response_code) VALUES ('late', 'POST /v1/orders', 'k', 'completed', 201)`,
    );
    await store.pool.query(
      `CREATE FUNCTION ${store.t.own}.boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'crash'; END $$`,
    );
    await store.pool.query(
      `CREATE TRIGGER boom BEFORE INSERT ON ${store.t.ownTable("intent_memory")} FOR EACH ROW EXECUTE FUNCTION ${store.t.own}.boom()`,
    );
    await expect(collectBatch(store.ctx(), { batchSize: 150 })).rejects.toThrow(/crash/);
    await store.pool.query(`DROP TRIGGER boom ON ${store.t.ownTable("intent_memory")}`);

    // a restart: a new process (pool) carries on from the stored watermark and gaps
    const restarted = createPool(inject("databaseUrl"), { max: 4 });
    try {
      for (let i = 0; i < 200; i++) {
        const r = await collectBatch(contextOf(restarted, store.t, parseConfig({})), {
          batchSize: 150,
          gapFenceSeconds: 0.5,
        });
        if (r.caughtUp && r.gapsOpen === 0) break;
        await sleep(100);
      }
    } finally {
      await restarted.end();
    }
    const comparison = await rollupVersusRaw(store.pool, store.t);
    for (const [name, { raw, rollup }] of Object.entries(comparison)) {
      expect(rollup, name).toEqual(raw);
    }
    // the fixture really exercised what it claims to
    const kinds = await store.pool.query(
      `SELECT array_agg(DISTINCT kind ORDER BY kind) AS k FROM ${store.t.events}`,
    );
    expect(kinds.rows[0].k).toEqual(
      expect.arrayContaining([
        "claimed",
        "completed",
        "conflict",
        "failed",
        "mismatch",
        "replayed",
      ]),
    );
    const state = await store.pool.query(
      `SELECT watermark::bigint AS w, events_total::int AS n FROM ${store.t.ownTable("collector_state")}`,
    );
    const count = await store.pool.query(
      `SELECT count(*)::int AS n, max(id)::bigint AS max FROM ${store.t.events}`,
    );
    expect(state.rows[0].n).toBe(count.rows[0].n);
    expect(state.rows[0].w).toBe(count.rows[0].max);
  });

  it("counts a late-committed earlier success as the first and the other as the duplicate", async () => {
    const s = await createTestStore();
    try {
      const insert = (atSecondsAgo: number) =>
        `INSERT INTO ${s.t.events} (at, scope, endpoint, key, kind, response_code)
         VALUES (now() - make_interval(secs => ${atSecondsAgo}), 'a', 'POST /x', 'k', 'completed', 201)`;
      // the later success commits and is collected first …
      await s.pool.query(insert(10));
      await collectBatch(s.ctx());
      // … then an earlier one appears
      await s.pool.query(insert(3600 * 30));
      await collectBatch(s.ctx());
      const byDay = await s.pool.query(
        `SELECT first_successes::int AS f, duplicate_successes::int AS d FROM ${s.t.ownTable("rollup_successes")}
          WHERE resolution = 'day' ORDER BY bucket`,
      );
      // day of the older success: first; day of the newer: first −1 +0, duplicate +1
      expect(byDay.rows).toEqual([
        { f: 1, d: 0 },
        { f: 0, d: 1 },
      ]);
    } finally {
      await s.drop();
    }
  });
});
