// Issue #33, target 1: what polls never reads the service's table. The Overview (every range and
// panel), the stuck list (every filter and order), Store, Trends, Clients, /api/metrics' snapshot
// and the collector's stuck and size samplers run against a library's table the planner would
// scan for any read at all (a few hundred rows, analyzed: even a primary-key lookup is a
// sequential scan there), and the table's scan counters must not move. What the stuck views show
// comes from the state capture keeps (lib/ingest/sources/kept-state.ts) and must equal the
// library's table read directly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { parseConfig } from "../../../lib/core/config";
import { captureModeNamed } from "../../../lib/contract/capture-modes";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { sampleStoreSize, storeSizeNames } from "../../../lib/fold/size-sampler";
import { sampleStuckKeys } from "../../../lib/fold/stuck-sampler";
import { readStoreSnapshot } from "../../../lib/query/metrics/store-snapshot";
import { countStuckKeys, listStuckKeys, stuckKeysByEndpoint } from "../../../lib/query/store/stuck";
import { readExpiredKeys } from "../../../lib/query/store/store-report";
import { loadClientDetail, loadClients } from "../../../lib/query/views/clients";
import {
  loadHotKeys,
  loadOverview,
  loadRecentErrors,
  loadStuckSeries,
} from "../../../lib/query/views/overview";
import { loadStoreReport } from "../../../lib/query/views/store";
import { loadStuckKeys } from "../../../lib/query/views/stuck";
import { loadTrends } from "../../../lib/query/views/trends";
import { refillKeptState } from "../../../lib/ingest/sources/kept-state";
import { runFaultScenario } from "../../../scripts/demo/fault-scenario";
import {
  connectLibraryStore,
  libraryClientOf,
  type ConnectedStore,
} from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";

// no shared cache (every call queries), and every in-progress key is stuck after a second
const cfg = parseConfig({ IDEMSCOPE_CACHE_TTL_MS: "0", IDEMSCOPE_LOCK_TIMEOUT_SECONDS: "1" });

type Counters = { seq: number; idx: number };

async function tableScans(store: TestStore, table: string): Promise<Counters> {
  // an idle backend reports its counters up to 10 s late: each of the pool's reports them now
  const { pool } = store;
  const clients = await Promise.all(Array.from({ length: pool.totalCount }, () => pool.connect()));
  await Promise.all(clients.map((c) => c.query("SELECT pg_stat_force_next_flush()")));
  for (const c of clients) c.release();
  const r = await store.pool.query<{ seq: string; idx: string | null }>(
    `SELECT seq_scan AS seq, idx_scan AS idx FROM pg_stat_user_tables WHERE relid = $1::regclass`,
    [table],
  );
  return { seq: Number(r.rows[0]!.seq), idx: Number(r.rows[0]!.idx ?? 0) };
}

/** Every read a dashboard, a Prometheus scrape or the collector's samplers repeat. */
async function pollingTour(ctx: ReturnType<ConnectedStore["ctx"]>): Promise<void> {
  for (const range of ["15m", "1h", "6h", "24h", "7d", "30d", "90d"] as const) {
    await loadOverview(ctx, { range });
    await loadStuckSeries(ctx, { range });
    await loadHotKeys(ctx, { range, limit: 10 });
  }
  await loadRecentErrors(ctx, { kind: "all", limit: 25 });
  const some = await listStuckKeys(ctx, {}, { limit: 1 });
  const first = some.items[0];
  for (const order of ["oldest", "newest"] as const)
    for (const filter of [
      {},
      { endpoint: first?.endpoint ?? "POST /x" },
      { scope: first?.scope ?? "1" },
      { lockOwner: "nobody" },
      { minAgeSeconds: 1 },
    ])
      await loadStuckKeys(ctx, { ...filter, order, limit: 50 });
  if (some.nextCursor)
    await loadStuckKeys(ctx, { order: "oldest", limit: 1, cursor: some.nextCursor });
  for (const range of ["7d", "30d", "90d"] as const) await loadStoreReport(ctx, { range });
  await loadTrends(ctx, { range: "30d" });
  const clients = await loadClients(ctx, {
    range: "24h",
    sort: "requests",
    dir: "desc",
    limit: 50,
  });
  if (clients.items[0]) await loadClientDetail(ctx, clients.items[0].scope, "24h");
  await readStoreSnapshot(ctx as Parameters<typeof readStoreSnapshot>[0]);
  await sampleStuckKeys(ctx as Parameters<typeof sampleStuckKeys>[0]);
  await sampleStoreSize(ctx as Parameters<typeof sampleStoreSize>[0], storeSizeNames(ctx));
}

describe.each([
  ["stripe-style", "triggers"],
  ["medusa-v1", "triggers"],
  ["node-idempotency", "triggers"],
  ["masstransit-inbox", "triggers"],
  ["medusa-v2", "triggers"],
  ["stripe-style", "logical"],
] as const)("what polls, on %s (%s)", (presetName, capture) => {
  let store: TestStore;
  let src: ConnectedStore;
  let ctx: ReturnType<ConnectedStore["ctx"]>;
  beforeAll(async () => {
    store = await createTestStore();
    src = await connectLibraryStore(store, presetName, {
      capture: captureModeNamed(capture)!,
      spans: false,
    });
    const client = libraryClientOf(store, src);
    await runFaultScenario(client, "pv");
    await src.settle();
    // the scenario's clock (aged locks, expired keys) writes what capture never sees, by design:
    // the kept state reads the table again, and what follows reaches it through capture only
    await refillKeptState(store.pool, src.t);
    // workers that crash mid-request: their keys stay in progress
    for (let n = 0; n < 3; n++)
      await client.request({ client: 1 + n, key: `pv-crashed-${n}`, amount: 100 }, { crash: true });
    await src.settle();
    ctx = src.ctx(cfg);
    for (let i = 0; i < 10; i++) if ((await collectBatch(ctx)).caughtUp) break;
    // the planner knows the table is small: any read of it would be a sequential scan
    await store.pool.query(`ANALYZE ${src.table}`);
    await sleep(1_100); // every in-progress key is now past its (1 s) lock timeout
  }, 60_000);
  afterAll(async () => {
    await src?.disconnect();
    await store.drop();
  });

  it("never reads the library's table", async () => {
    // the counters do count this table's reads: a read through the mapping view is a scan
    const start = await tableScans(store, src.table);
    await store.pool.query(`SELECT count(*) FROM ${src.t.keys}`);
    const canary = await tableScans(store, src.table);
    expect(canary.seq).toBe(start.seq + 1);

    await pollingTour(ctx);
    const after = await tableScans(store, src.table);
    expect(after).toEqual(canary);
  }, 60_000);

  it("shows the stuck keys the library's table holds, from capture's state", async () => {
    // the same readers over the library's table itself (the mapping view), as ground truth
    const direct = { ...ctx, tables: { ...ctx.tables, openKeys: ctx.tables.keys } };
    const fromState = await listStuckKeys(ctx, {}, { limit: 500 });
    const fromTable = await listStuckKeys(direct, {}, { limit: 500 });
    expect(fromTable.total).toBeGreaterThan(0);
    const ids = (p: typeof fromState) => p.items.map((k) => [k.id, k.scope, k.endpoint, k.key]);
    expect(ids(fromState)).toEqual(ids(fromTable));
    expect(fromState.total).toBe(fromTable.total);
    expect(await countStuckKeys(ctx)).toBe(await countStuckKeys(direct));
    const byEndpoint = async (c: typeof ctx) =>
      (await stuckKeysByEndpoint(c)).map((e) => [
        e.endpoint,
        e.stuck,
        Math.floor(e.oldestAgeSeconds),
      ]);
    expect(await byEndpoint(ctx)).toEqual(await byEndpoint(direct));
    // expiries are kept per minute: keys whose minute of expiry has ended (the same minute for both)
    for (;;) {
      const minute = async () =>
        (
          await store.pool.query<{ m: Date }>(`SELECT date_trunc('minute', now()) AS m`)
        ).rows[0]!.m.getTime();
      const before = await minute();
      const expired = await readExpiredKeys(ctx);
      const expiredDirect = await store.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${src.t.keys}
          WHERE date_trunc('minute', expires_at) < date_trunc('minute', now())`,
      );
      if ((await minute()) !== before) continue;
      expect(expired.n).toBe(expiredDirect.rows[0]!.n);
      break;
    }
  });
});
