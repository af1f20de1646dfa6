// Connecting to a store that already has history: the collector starts live at the newest event
// and folds the history newest first. While it does, new events are on the Overview at once, the
// progress and the time from which everything is folded are known; when it ends, every rollup is
// exactly what folding the events oldest first gives (and what the raw events define).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectBatch } from "../../../lib/fold/collect-batch";
import {
  beginHistoryIfNew,
  collectHistoryBatch,
  readHistoryProgress,
} from "../../../lib/fold/history";
import { FOLDED_TABLES } from "../../../lib/contract/schema/rollups";
import { getOverview } from "../../../lib/query/store/overview";
import { insertEvents, type RawEvent } from "../../helpers/events";
import { rollupVersusRaw } from "../../helpers/rollup-totals";
import { resetFold } from "../../helpers/reset-fold";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
const P = "POST /v1/payments";
const R = "POST /v1/refunds";
const keep = { minute: 3, hour: 90 };

/** Two and a half days of history (within what minute rollups keep): retries, 409s, late retries. */
function history(): RawEvent[] {
  const out: RawEvent[] = [];
  for (let i = 0; i < 400; i++) {
    const ago = 2.5 * 86_400 - i * 530; // from two and a half days ago up to about now
    const key = `h-${i}`;
    const scope = `c-${i % 7}`;
    const ep = i % 3 === 0 ? R : P;
    out.push({ secondsAgo: ago, scope, endpoint: ep, key, kind: "claimed" });
    out.push({
      secondsAgo: ago - 1,
      scope,
      endpoint: ep,
      key,
      kind: "completed",
      responseCode: 201,
      latencyMs: 20,
    });
    if (i % 4 === 0)
      out.push({
        secondsAgo: ago - 30,
        scope,
        endpoint: ep,
        key,
        kind: "replayed",
        responseCode: 201,
        latencyMs: 2,
      });
    if (i % 9 === 0)
      out.push({
        secondsAgo: ago - 31,
        scope,
        endpoint: ep,
        key,
        kind: "conflict",
        responseCode: 409,
      });
    // every 25th intent runs again much later (a late retry after expiry): a duplicate success
    if (i % 25 === 0 && ago > 90_000) {
      out.push({ secondsAgo: ago - 86_400, scope, endpoint: ep, key, kind: "claimed" });
      out.push({
        secondsAgo: ago - 86_401,
        scope,
        endpoint: ep,
        key,
        kind: "completed",
        responseCode: 201,
      });
    }
  }
  return out;
}

async function snapshot(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of FOLDED_TABLES) {
    if (
      [
        "collector_gaps",
        "client_range_totals",
        "client_range_state",
        "client_storms",
        // numbers given in the order clients and endpoints are met: compared by name below
        "client_names",
        "endpoint_names",
      ].includes(table)
    )
      continue;
    const r = await store.pool.query(
      table === "rollup_clients"
        ? `SELECT x.resolution, x.bucket, n.scope, coalesce(e.endpoint, '*') AS endpoint, x.requests,
                  x.claimed, x.reclaimed, x.replayed, x.conflicts, x.mismatches, x.keys
             FROM ${store.t.ownTable(table)} x
             JOIN ${store.t.ownTable("client_names")} n ON n.id = x.client
             LEFT JOIN ${store.t.ownTable("endpoint_names")} e ON e.id = x.endpoint`
        : `SELECT * FROM ${store.t.ownTable(table)}`,
    );
    // float sums (latency seconds in metric_totals) differ in their last bits with the order of
    // their terms, which the batches' sizes decide
    const rounded = (_: string, v: unknown) =>
      typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v;
    out[table] = r.rows.map((row) => JSON.stringify(row, rounded)).sort();
  }
  return out;
}

beforeAll(async () => {
  store = await createTestStore();
  await insertEvents(store.pool, store.t, history());
});
afterAll(() => store.drop());

describe("folding an existing store's history", () => {
  it("ends with exactly the rollups of an oldest-first fold, with new events live meanwhile", async () => {
    expect(await beginHistoryIfNew(store.ctx())).toBe(true);
    expect(await beginHistoryIfNew(store.ctx())).toBe(false); // once
    const start = await readHistoryProgress(store.ctx());
    expect(start).toMatchObject({ done: 0, completeFrom: null, finishedAt: null });
    expect(start!.total).toBeGreaterThan(900);

    // the newest batch first: the last hours are complete after it
    const first = await collectHistoryBatch(store.ctx(), { batchSize: 60, keep });
    expect(first!.done).toBeGreaterThan(0);
    expect(Date.now() - Date.parse(first!.completeFrom!)).toBeLessThan(6 * 3600_000);
    // a new request now is folded live, before the history is
    await insertEvents(store.pool, store.t, [
      { secondsAgo: 1, scope: "c-live", endpoint: P, key: "live-1", kind: "claimed" },
    ]);
    expect((await collectBatch(store.ctx())).events).toBe(1);
    const live = await getOverview(store.ctx(), "15m");
    expect(live.requests).toBeGreaterThanOrEqual(1);

    let progress = first!;
    let batches = 1;
    let stagedAtMost = 0;
    while (!progress.finishedAt) {
      progress = (await collectHistoryBatch(store.ctx(), {
        batchSize: 60 + (batches % 7) * 13,
        keep,
      }))!;
      batches += 1;
      if (!progress.finishedAt) {
        expect(Date.parse(progress.completeFrom!)).toBeLessThanOrEqual(
          Date.parse(first!.completeFrom!),
        );
        // per-client day rows wait in history_client_days until their day is folded, no longer
        const staged = await store.pool.query<{ all: number; complete: number }>(
          `SELECT count(*)::int AS all, count(*) FILTER (WHERE bucket >= $1)::int AS complete
             FROM ${store.t.ownTable("history_client_days")}`,
          [progress.completeFrom],
        );
        expect(staged.rows[0]!.complete).toBe(0);
        stagedAtMost = Math.max(stagedAtMost, staged.rows[0]!.all);
      }
    }
    expect(stagedAtMost).toBeGreaterThan(0);
    expect(batches).toBeGreaterThan(10);
    expect(progress.done).toBe(progress.total);
    expect(await collectHistoryBatch(store.ctx(), { batchSize: 60, keep })).toBeNull();

    // the live event is the only difference from the oldest-first fold: fold it there too
    const newestFirst = await snapshot();
    await resetFold(store);
    for (;;) if ((await collectBatch(store.ctx(), { batchSize: 97 })).caughtUp) break;
    expect(newestFirst).toEqual(await snapshot());
    // and what the raw events define (per-client minute rows keep three hours only)
    const exact = await rollupVersusRaw(store.pool, store.t);
    for (const [name, { raw, rollup }] of Object.entries(exact))
      if (!name.endsWith("/minute") || !name.startsWith("client"))
        expect(rollup, name).toEqual(raw);
  });
  it("ends the same when each batch spans more than a day (its complete days not staged)", async () => {
    const oldestFirst = await snapshot();
    await resetFold(store);
    expect(await beginHistoryIfNew(store.ctx())).toBe(true);
    let batches = 0;
    for (;;) {
      const p = await collectHistoryBatch(store.ctx(), { batchSize: 500, keep });
      batches += 1;
      // the first batch, from now back, covers more than a whole day
      if (batches === 1)
        expect(Date.now() - Date.parse(p!.completeFrom!)).toBeGreaterThan(86_400_000);
      if (!p || p.finishedAt) break;
      // nothing staged but the one day this batch left incomplete
      const staged = await store.pool.query<{ days: number }>(
        `SELECT count(DISTINCT bucket)::int AS days FROM ${store.t.ownTable("history_client_days")}`,
      );
      expect(staged.rows[0]!.days).toBeLessThanOrEqual(1);
    }
    expect(batches).toBeGreaterThan(1);
    expect(await snapshot()).toEqual(oldestFirst);
  });
});

describe("with the intent horizon, as the collector folds", () => {
  let own: TestStore;
  beforeAll(async () => {
    own = await createTestStore();
  });
  afterAll(() => own.drop());

  it("counts a duplicate whose second success is a batch apart from every request of its intent", async () => {
    const e = (key: string) => ({ scope: "c-1", endpoint: P, key });
    // a lock reclaimed while the first worker still ran (both succeed), a late retry after
    // expiry that succeeds again, and a plain request: folded one event a batch, newest first,
    // so some batch holds a success and none of its intent's requests
    await insertEvents(own.pool, own.t, [
      { ...e("reclaim"), secondsAgo: 100, kind: "claimed" },
      { ...e("reclaim"), secondsAgo: 99, kind: "reclaimed" },
      { ...e("reclaim"), secondsAgo: 98, kind: "completed", responseCode: 201 },
      { ...e("reclaim"), secondsAgo: 97, kind: "completed", responseCode: 201 },
      { ...e("late"), secondsAgo: 90, kind: "claimed" },
      { ...e("late"), secondsAgo: 89, kind: "completed", responseCode: 201 },
      { ...e("late"), secondsAgo: 50, kind: "claimed" },
      { ...e("late"), secondsAgo: 49, kind: "completed", responseCode: 201 },
      { ...e("plain"), secondsAgo: 40, kind: "claimed" },
      { ...e("plain"), secondsAgo: 39, kind: "completed", responseCode: 201 },
    ]);
    await beginHistoryIfNew(own.ctx());
    const horizon = { ...keep, intents: 14 };
    while (!(await collectHistoryBatch(own.ctx(), { batchSize: 1, keep: horizon }))?.finishedAt);
    const r = await own.pool.query(
      `SELECT sum(first_successes)::int AS first, sum(duplicate_successes)::int AS dup
         FROM ${own.t.ownTable("rollup_successes")} WHERE resolution = 'minute'`,
    );
    expect(r.rows[0]).toEqual({ first: 3, dup: 2 });
  });
});
