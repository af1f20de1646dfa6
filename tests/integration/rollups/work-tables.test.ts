// The collector's work tables (lib/fold/work-tables.ts) are created once per connection and
// emptied by every commit: batches on one connection reuse them, leave nothing in them, add no
// catalog rows, and still fold exactly, live batches and history batches alike.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { beginHistoryIfNew, collectHistoryBatch } from "../../../lib/fold/history";
import { insertEvents, type RawEvent } from "../../helpers/events";
import { rollupVersusRaw } from "../../helpers/rollup-totals";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
const P = "POST /v1/payments";
const WORK_TABLES = ["batch", "batch_cells", "touched", "success_deltas", "hot_now"];

/** A day of requests: first tries, retries that replay, and keys retried into a hot key. */
function traffic(prefix: string, hoursAgo: number): RawEvent[] {
  const out: RawEvent[] = [];
  for (let i = 0; i < 60; i++) {
    const ago = hoursAgo * 3600 - i * 700;
    const key = `${prefix}-${i % 40}`; // keys 0–19 come twice: their second claim is after expiry
    const scope = `c-${i % 4}`;
    out.push({ secondsAgo: ago, scope, endpoint: P, key, kind: "claimed" });
    out.push({
      secondsAgo: ago - 1,
      scope,
      endpoint: P,
      key,
      kind: "completed",
      responseCode: 201,
    });
    if (i % 3 === 0)
      out.push({
        secondsAgo: ago - 5,
        scope,
        endpoint: P,
        key,
        kind: "replayed",
        responseCode: 201,
      });
  }
  return out;
}

/** The work tables this connection has (the pool has one): their oids and their rows. */
async function workTables(): Promise<Record<string, { oid: number; rows: number } | null>> {
  const out: Record<string, { oid: number; rows: number } | null> = {};
  for (const name of WORK_TABLES) {
    const r = await store.pool.query<{ oid: number | null }>(
      `SELECT to_regclass($1)::oid::int AS oid`,
      [`pg_temp.${name}`],
    );
    const oid = r.rows[0]?.oid ?? null;
    if (oid === null) out[name] = null;
    else {
      const n = await store.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_temp.${name}`,
      );
      out[name] = { oid, rows: n.rows[0]!.n };
    }
  }
  return out;
}

async function tempCatalogRows(): Promise<number> {
  const r = await store.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = pg_my_temp_schema()`,
  );
  return r.rows[0]!.n;
}

beforeAll(async () => {
  store = await createTestStore({ poolMax: 1 });
  await insertEvents(store.pool, store.t, traffic("old", 30));
});
afterAll(() => store.drop());

describe("the collector's work tables", () => {
  it("are created once per connection, emptied at commit, and fold exactly", async () => {
    expect(await beginHistoryIfNew(store.ctx())).toBe(true);
    await insertEvents(store.pool, store.t, traffic("new", 2));

    // the first live batch creates them
    expect((await collectBatch(store.ctx(), { batchSize: 50 })).events).toBe(50);
    const first = await workTables();
    for (const name of WORK_TABLES) expect(first[name], name).toMatchObject({ rows: 0 });
    const catalogRows = await tempCatalogRows();

    // live batches and history batches on the same connection: the same tables, still empty
    let live = 1;
    while (!(await collectBatch(store.ctx(), { batchSize: 50 })).caughtUp) live += 1;
    let history = 0;
    for (;;) {
      const p = await collectHistoryBatch(store.ctx(), {
        batchSize: 37,
        keep: { minute: 3, hour: 90 },
      });
      history += 1;
      if (!p || p.finishedAt) break;
    }
    expect(live).toBeGreaterThan(1);
    expect(history).toBeGreaterThan(3);
    expect(await workTables()).toEqual(first);
    expect(await tempCatalogRows()).toBe(catalogRows);

    const exact = await rollupVersusRaw(store.pool, store.t);
    expect(Object.keys(exact).length).toBeGreaterThan(10);
    for (const [name, { raw, rollup }] of Object.entries(exact))
      if (!name.endsWith("/minute") || !name.startsWith("client"))
        expect(rollup, name).toEqual(raw);
  });

  it("survive a batch that fails: the next one folds it again from nothing", async () => {
    await insertEvents(store.pool, store.t, traffic("late", 1));
    // a transaction that fills `batch` and then fails leaves nothing behind
    const c = await store.pool.connect();
    try {
      await c.query("BEGIN");
      await c.query(`INSERT INTO batch SELECT id, at, scope, endpoint, key, kind, response_code,
                            latency_ms FROM ${store.t.events}`);
      await expect(c.query("SELECT 1 / 0")).rejects.toThrow(/division by zero/);
      await c.query("ROLLBACK");
    } finally {
      c.release();
    }
    expect((await workTables()).batch).toMatchObject({ rows: 0 });
    while (!(await collectBatch(store.ctx(), { batchSize: 50 })).caughtUp);
    const exact = await rollupVersusRaw(store.pool, store.t);
    for (const [name, { raw, rollup }] of Object.entries(exact))
      if (!name.endsWith("/minute") || !name.startsWith("client"))
        expect(rollup, name).toEqual(raw);
  });
});
