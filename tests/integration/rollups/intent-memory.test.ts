// The intent memory is unlogged (lib/fold/intent-memory.ts): a real server crash empties it,
// no batch folds against the emptied memory, and the rebuild gives back exactly what folding had
// left, so duplicate successes stay exact across the crash.
import { readFileSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Pool } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/core/config";
import { writeContextOf } from "../../../lib/contract/context";
import { createPool } from "../../../lib/db/pool";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { collectHistoryBatch, beginHistoryIfNew } from "../../../lib/fold/history";
import { ensureIntentMemory } from "../../../lib/fold/intent-memory";
import { allStatements } from "../../../lib/contract/schema/all";
import { tableNamesFor, type TableNames } from "../../../lib/contract/tables";
import {
  startEmbeddedPostgres,
  type EmbeddedPostgresHandle,
} from "../../../scripts/support/embedded-postgres";
import { insertEvents } from "../../helpers/events";
import { rollupVersusRaw } from "../../helpers/rollup-totals";
import { createTestStore, type TestStore } from "../../helpers/store";

const cfg = parseConfig({});

/**
 * `n` events of 300 intents, each intent's within a minute, the intents spread over the last
 * `hours` hours; ids not in time order, and every intent's events spread over the ids.
 */
async function writeEvents(pool: Pool, t: TableNames, n: number, tag: string, hours: number) {
  await pool.query(
    `INSERT INTO ${t.events} (at, scope, endpoint, key, kind, response_code, latency_ms)
     SELECT now() - make_interval(secs => ((g % 300) * $3::int * 12 + g * 7919 % 60)::float8),
            'c' || (g % 5), 'POST /v1/x', $2 || '-' || (g % 300),
            (ARRAY['claimed', 'completed', 'replayed', 'reclaimed', 'completed', 'conflict'])[1 + g % 6],
            CASE WHEN g % 6 IN (1, 4) THEN 201 END, g % 30
       FROM generate_series(1, $1::int) g`,
    [n, tag, hours],
  );
}

const memoryRows = async (pool: Pool, t: TableNames) =>
  (
    await pool.query(
      `SELECT intent, first_request_at, first_request_id, first_success_at, first_success_id,
              successes, requests
         FROM ${t.ownTable("intent_memory")} ORDER BY intent`,
    )
  ).rows;

const count = async (pool: Pool, table: string) =>
  (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

describe("a real crash of the server", () => {
  let dir: string;
  let pg: EmbeddedPostgresHandle;
  let pool: Pool;
  const t = tableNamesFor({
    storeSchema: "crash",
    keysTable: "idempotency_keys",
    eventsTable: "idempotency_events",
    idemscopeSchema: "crash_own",
  });

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "idemscope-crash-"));
    pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), ephemeral: true });
    pool = createPool(pg.url, { max: 4, applicationName: "idemscope-test" });
    await pool.query(`CREATE SCHEMA crash`);
    for (const s of allStatements(t, {
      keys: "idempotency_keys",
      events: "idempotency_events",
    }))
      await pool.query(s);
  });
  afterAll(async () => {
    await pool?.end();
    await pg?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("empties the memory; no batch folds until it is rebuilt, exactly, and duplicates stay exact", async () => {
    const ctx = () => writeContextOf(pool, t, cfg);
    await writeEvents(pool, t, 3000, "a", 2);
    while (!(await collectBatch(ctx(), { batchSize: 700 })).caughtUp);
    const before = await memoryRows(pool, t);
    expect(before.length).toBe(300);
    expect(before.some((r) => r.successes >= 2)).toBe(true);
    // events committed but not folded when the server dies: not part of the rebuilt memory
    await writeEvents(pool, t, 1200, "a", 2);

    // an immediate shutdown is a crash: no checkpoint, recovery from the WAL at the next start
    const pid = Number(readFileSync(path.join(dir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
    process.kill(pid, "SIGQUIT");
    for (let i = 0; i < 200; i++) {
      try {
        process.kill(pid, 0);
        await new Promise((r) => setTimeout(r, 50));
      } catch {
        break;
      }
    }
    await pool.end();
    await pg.restart();
    pool = createPool(pg.url, { max: 4, applicationName: "idemscope-test" });

    expect(await count(pool, t.ownTable("intent_memory"))).toBe(0);
    expect(await count(pool, t.ownTable("intent_memory_marker"))).toBe(0);
    await expect(collectBatch(ctx(), { batchSize: 700 })).rejects.toThrow(/intent memory/);

    const rebuilt = await ensureIntentMemory(ctx(), null);
    expect(rebuilt).toMatchObject({ intents: 300, events: 3000 });
    expect(await memoryRows(pool, t)).toEqual(before);
    expect(await ensureIntentMemory(ctx(), null)).toBeNull();
    const state = await pool.query(
      `SELECT memory_rebuilt_at, paused_reason FROM ${t.ownTable("collector_state")}`,
    );
    expect(state.rows[0].memory_rebuilt_at).toBeInstanceOf(Date);
    expect(state.rows[0].paused_reason).toBeNull();

    // the events written before and after the crash, folded against the rebuilt memory
    await writeEvents(pool, t, 900, "a", 2);
    while (!(await collectBatch(ctx(), { batchSize: 700 })).caughtUp);
    const cmp = await rollupVersusRaw(pool, t);
    for (const [name, { raw, rollup }] of Object.entries(cmp)) expect(rollup, name).toEqual(raw);
  });
});

describe("the rebuild's content", () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore();
  });
  afterAll(() => store.drop());

  it("is what folding left, within the horizon and with the history half folded", async () => {
    const { pool, t } = store;
    const ctx = () => store.ctx(cfg);
    const keep = { minute: 3, hour: 90, intents: 14 };
    // 20 days of events: intents first seen before the 14-day horizon are not remembered
    await writeEvents(pool, t, 6000, "h", 20 * 24);
    // first seen 15 days ago, retried 13 days ago: outside the horizon, so not remembered
    await insertEvents(pool, t, [
      { secondsAgo: 15 * 86_400, scope: "c9", endpoint: "POST /v1/x", key: "old", kind: "claimed" },
      {
        secondsAgo: 15 * 86_400 - 1,
        scope: "c9",
        endpoint: "POST /v1/x",
        key: "old",
        kind: "completed",
        responseCode: 201,
      },
      {
        secondsAgo: 13 * 86_400,
        scope: "c9",
        endpoint: "POST /v1/x",
        key: "old",
        kind: "replayed",
      },
    ]);
    await beginHistoryIfNew(ctx());
    await writeEvents(pool, t, 1500, "h", 20 * 24);
    while (!(await collectBatch(ctx(), { batchSize: 500, retentionDays: keep })).caughtUp);
    for (let i = 0; i < 5; i++) await collectHistoryBatch(ctx(), { batchSize: 800, keep });
    // the straddling intent is folded (its ids are among the newest of the history)
    const folded = await pool.query(
      `SELECT count(*)::int AS n FROM ${t.events} e, ${t.ownTable("collector_state")} s
        WHERE e.key = 'old' AND e.id > s.history_hi`,
    );
    expect(folded.rows[0].n).toBe(3);
    const state = await pool.query(
      `SELECT history_lo < history_hi AS left FROM ${t.ownTable("collector_state")}`,
    );
    expect(state.rows[0].left).toBe(true); // part of the history is still to fold
    // retention's cut of the memory, as the rebuild makes it
    await pool.query(
      `DELETE FROM ${t.ownTable("intent_memory")} WHERE first_request_at < now() - interval '14 days'`,
    );
    const before = await memoryRows(pool, t);
    expect(before.length).toBeGreaterThan(50);

    // what a crash does to the two unlogged tables
    await pool.query(
      `TRUNCATE ${t.ownTable("intent_memory")}, ${t.ownTable("intent_memory_marker")}`,
    );
    const rebuilt = await ensureIntentMemory(ctx(), 14);
    expect(rebuilt?.intents).toBe(before.length);
    expect(await memoryRows(pool, t)).toEqual(before);
  });
});
