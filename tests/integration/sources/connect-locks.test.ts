// connect on someone else's primary (docs/reliability.md, finding 3): --apply and --uninstall never
// stall the service's statements. idemscope's own tables come first (they may wait for a
// dashboard's read), the service's table last and briefly, under lock_timeout, retried, saying
// what it waits for. Each test fails on an install that locks the table first, or waits for
// anything while holding it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pool } from "pg";
import { createPool } from "../../../lib/db/pool";
import { applyConnect, planConnect, uninstallSource } from "../../../lib/ingest/sources/connect";
import { BUILT_IN_PRESETS } from "../../../lib/contract/presets";
import { createServiceRole, timed, type ServiceRole } from "../../helpers/service-role";
import { createLibraryTable, holdRead, ownNames } from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
let service: ServiceRole;
let table: string;
const preset = BUILT_IN_PRESETS.get("stripe-style")!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  store = await createTestStore();
  const schema = `${store.schema}_lib`;
  await createLibraryTable(store, "stripe-style", schema);
  table = `"${schema}"."idempotency_keys"`;
  service = await createServiceRole(store, schema, table);
});
afterAll(async () => {
  await service.drop();
  await store.drop();
});

let n = 0;
/** One of the service's claims (rocket-rides' INSERT), as the service's role. */
const claim = () =>
  service.pool.query(
    `INSERT INTO ${table} (idempotency_key, locked_at, recovery_point, request_method, request_params, request_path, user_id)
     VALUES ($1, now(), 'started', 'POST', '{}', '/rides', 1)`,
    [`lock-${n++}`],
  );

/** Waits until a backend of `app` waits for a lock. */
async function waitsForLock(app: string) {
  for (let i = 0; i < 200; i++) {
    const r = await store.pool.query(
      `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
      [app],
    );
    if (r.rowCount) return;
    await sleep(25);
  }
  throw new Error(`${app} never waited for a lock`);
}

const triggers = async () =>
  (
    await store.pool.query(
      `SELECT count(*)::int AS n FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal`,
      [table],
    )
  ).rows[0].n as number;

const planFor = (pool: Pool) =>
  planConnect(
    pool,
    preset,
    { schema: `${store.schema}_lib`, name: "idempotency_keys" },
    ownNames(store),
  );

describe("connect never stalls the service", () => {
  const connectPool = () =>
    createPool(store.pool.options.connectionString!, {
      max: 2,
      applicationName: "idemscope-connect-test",
    });

  it("--apply waits for a dashboard read of idemscope's tables without locking the service's table", async () => {
    const pool = connectPool();
    const read = await holdRead(store, store.t.ownTable("rollup_events"));
    try {
      const plan = await planFor(pool);
      const applying = applyConnect(pool, plan, ownNames(store));
      await waitsForLock("idemscope-connect-test");
      // the service's claims and reads go on while connect waits
      expect(await timed(claim)).toBeLessThan(1000);
      expect(await timed(() => service.pool.query(`SELECT count(*) FROM ${table}`))).toBeLessThan(
        1000,
      );
      expect(await triggers()).toBe(0);
      await read.query("COMMIT");
      expect((await applying).applied).toBe(true);
      expect(await triggers()).toBe(2);
    } finally {
      read.release();
      await pool.end();
    }
  });

  it("--uninstall waits for a dashboard read of the captured events without locking the service's table", async () => {
    const pool = connectPool();
    const read = await holdRead(store, store.t.ownTable("captured_events"));
    try {
      const removing = uninstallSource(pool, ownNames(store));
      await waitsForLock("idemscope-connect-test");
      expect(await timed(claim)).toBeLessThan(1000);
      expect(await timed(() => service.pool.query(`SELECT count(*) FROM ${table}`))).toBeLessThan(
        1000,
      );
      // the triggers went first, alone
      expect(await triggers()).toBe(0);
      await read.query("COMMIT");
      expect((await removing).applied).toBe(true);
    } finally {
      read.release();
      await pool.end();
    }
  });

  it("--apply behind an open service transaction waits in short attempts, says who holds the table, and never queues the service for long", async () => {
    const pool = connectPool();
    const open = await service.pool.connect();
    await open.query("BEGIN");
    await open.query(
      `INSERT INTO ${table} (idempotency_key, locked_at, recovery_point, request_method, request_params, request_path, user_id)
       VALUES ('open-txn', now(), 'started', 'POST', '{}', '/rides', 2)`,
    );
    const waits: string[] = [];
    try {
      const plan = await planFor(pool);
      const applying = applyConnect(pool, plan, ownNames(store), { onWait: (m) => waits.push(m) });
      // for three seconds the service keeps claiming: no claim waits more than one attempt
      const slowest: number[] = [];
      const until = Date.now() + 3000;
      while (Date.now() < until) slowest.push(await timed(claim));
      expect(Math.max(...slowest)).toBeLessThan(1000);
      expect(waits.length).toBeGreaterThan(1);
      expect(waits[0]).toMatch(
        /^waiting for .*idempotency_keys.* held by pid \d+ \(the-service, RowExclusiveLock/,
      );
      expect(await triggers()).toBe(0);
      await open.query("COMMIT");
      expect((await applying).applied).toBe(true);
      expect(await triggers()).toBe(2);
    } finally {
      open.release();
      await pool.end();
    }
  });
});
