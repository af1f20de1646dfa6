// The Overview's "Recent errors": what the collector keeps equals the raw definition (the newest
// RECENT_ERRORS_KEPT events of each error kind), whatever the order of its batches, and the route
// answers the newest first with trace links, or a 400 that says what is wrong.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { beginHistoryIfNew, collectHistoryBatch } from "../../../lib/fold/history";
import { ERROR_KINDS, RECENT_ERRORS_KEPT } from "../../../lib/fold/fold-recent-errors";
import { listRecentErrors } from "../../../lib/query/store/recent-errors";
import { parseConfig } from "../../../lib/core/config";
import { getRequest, useStoreForRoutes } from "../../helpers/route-env";
import { resetFold } from "../../helpers/reset-fold";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
const cfg = parseConfig({ IDEMSCOPE_TRACE_URL: "https://tempo.example/trace/{traceId}" });

beforeAll(async () => {
  store = await createTestStore();
  // 260 conflicts (more than are kept), a few of every other error kind, and ordinary requests;
  // every third error carries a trace id
  await store.pool.query(
    `INSERT INTO ${store.t.events} (at, scope, endpoint, key, kind, response_code, instance, trace_id)
     SELECT now() - make_interval(secs => 5000 - g), 'c-' || (g % 7), 'POST /v1/payments', 'k-' || g,
            kinds.kind, kinds.code, 'test', CASE WHEN g % 3 = 0 THEN 'trace' || g END
       FROM generate_series(1, 260) g
      CROSS JOIN LATERAL (VALUES
        ('conflict', 409),
        (CASE WHEN g % 20 = 0 THEN 'mismatch' END, 422),
        (CASE WHEN g % 30 = 0 THEN 'failed' END, 500),
        (CASE WHEN g % 40 = 0 THEN 'reclaimed' END, NULL),
        ('claimed', NULL),
        ('replayed', 201)) AS kinds(kind, code)
      WHERE kinds.kind IS NOT NULL`,
  );
  // small batches, so that the trim runs many times
  for (let i = 0; i < 100; i++)
    if ((await collectBatch(store.ctx(), { batchSize: 97 })).caughtUp) break;
});
afterAll(() => store.drop());

/** The raw definition: the newest `limit` events of the kinds, newest first. */
async function raw(kinds: readonly string[], limit: number) {
  const r = await store.pool.query<{ id: string }>(
    `SELECT id::text AS id FROM ${store.t.events} WHERE kind = ANY($1)
      ORDER BY at DESC, id DESC LIMIT $2`,
    [kinds, limit],
  );
  return r.rows.map((row) => row.id);
}

describe("recent errors", () => {
  it("keeps the newest of each kind, exactly as the raw events define them", async () => {
    const kept = await store.pool.query<{ kind: string; n: number }>(
      `SELECT kind, count(*)::int AS n FROM ${store.t.ownTable("recent_errors")} GROUP BY 1 ORDER BY 1`,
    );
    expect(kept.rows).toEqual([
      { kind: "conflict", n: RECENT_ERRORS_KEPT },
      { kind: "failed", n: 8 },
      { kind: "mismatch", n: 13 },
      { kind: "reclaimed", n: 6 },
    ]);
    for (const kind of ERROR_KINDS) {
      const list = await listRecentErrors(store.ctx(cfg), { kind, limit: RECENT_ERRORS_KEPT });
      expect(list.errors.map((e) => e.id)).toEqual(await raw([kind], RECENT_ERRORS_KEPT));
    }
    const all = await listRecentErrors(store.ctx(cfg), { kind: "all", limit: 25 });
    expect(all.errors.map((e) => e.id)).toEqual(await raw(ERROR_KINDS, 25));
  });

  it("keeps the same rows when the history folds newest first", async () => {
    const folded = await store.pool.query<{ id: string }>(
      `SELECT id::text AS id FROM ${store.t.ownTable("recent_errors")} ORDER BY id`,
    );
    await resetFold(store);
    expect(await beginHistoryIfNew(store.ctx())).toBe(true);
    for (let i = 0; i < 100; i++) {
      const p = await collectHistoryBatch(store.ctx(), {
        batchSize: 101,
        keep: { minute: 3, hour: 90 },
      });
      if (!p || p.finishedAt) break;
    }
    const again = await store.pool.query<{ id: string }>(
      `SELECT id::text AS id FROM ${store.t.ownTable("recent_errors")} ORDER BY id`,
    );
    expect(again.rows).toEqual(folded.rows);
  });

  it("keeps the same rows when one batch holds more errors of a kind than are kept", async () => {
    const folded = await store.pool.query<{ id: string }>(
      `SELECT id::text AS id FROM ${store.t.ownTable("recent_errors")} ORDER BY id`,
    );
    await resetFold(store);
    // all 260 conflicts in one batch: only the newest RECENT_ERRORS_KEPT of them are written
    expect((await collectBatch(store.ctx(), { batchSize: 5000 })).caughtUp).toBe(true);
    const again = await store.pool.query<{ id: string }>(
      `SELECT id::text AS id FROM ${store.t.ownTable("recent_errors")} ORDER BY id`,
    );
    expect(again.rows).toEqual(folded.rows);
  });

  it("answers each error with its client, key, response and trace link", async () => {
    const list = await listRecentErrors(store.ctx(cfg), { kind: "failed", limit: 1 });
    expect(list.errors[0]).toMatchObject({
      kind: "failed",
      endpoint: "POST /v1/payments",
      scope: "c-2", // 240 % 7
      key: "k-240",
      responseCode: 500,
      traceId: "trace240",
      traceUrl: "https://tempo.example/trace/trace240",
    });
    expect(Date.parse(list.errors[0]!.at)).toBeGreaterThan(Date.now() - 4_800_000);
    expect(list.notCaptured).toEqual({});
  });

  it("answers a bad kind or limit with a 400 that names it", async () => {
    useStoreForRoutes(store);
    const { GET } = await import("../../../app/api/v1/overview/errors/route");
    const ok = await GET(getRequest("/api/v1/overview/errors?kind=mismatch&limit=3"), {});
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { errors: unknown[] }).errors).toHaveLength(3);
    const bad = await GET(getRequest("/api/v1/overview/errors?kind=timeout"), {});
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("kind must be one of");
    const big = await GET(getRequest("/api/v1/overview/errors?limit=5000"), {});
    expect(big.status).toBe(400);
    expect(JSON.stringify(await big.json())).toContain("limit must be at most");
  });
});
