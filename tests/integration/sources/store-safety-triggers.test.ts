// Trigger capture on someone else's primary, tried as the service's own login (LOGIN and DML on
// its table, nothing of idemscope's): docs/reliability.md, findings 1, 2, 6, 8, 9 and 10. Nothing
// a preset says runs in the service's statement; a row the derivation cannot read is a dead letter,
// alone; the service cannot hide its changes, borrow the capture functions, or fill the disk; a
// purge opens no subtransaction per row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeIdentifier } from "pg";
import { parseConfig } from "../../../lib/core/config";
import { writeContextOf } from "../../../lib/contract/context";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { ensureIntentMemory } from "../../../lib/fold/intent-memory";
import { drainCaptureQueue } from "../../../lib/ingest/sources/capture-drain";
import { installStatements } from "../../../lib/ingest/sources/capture-sql";
import { readCaptureState } from "../../../lib/ingest/sources/capture-state";
import { applyConnect, planConnect } from "../../../lib/ingest/sources/connect";
import { tableNamesFor, type TableNames } from "../../../lib/contract/tables";
import { postRide } from "../../../scripts/demo/writers/stripe-style";
import { createServiceRole, type ServiceRole } from "../../helpers/service-role";
import { createLibraryTable, ownNames, payloadTextPreset } from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";

const payloadPreset = payloadTextPreset();
const ride = { origin_lat: 0, origin_lon: 0, target_lat: 1, target_lon: 1 };

type Connected = { store: TestStore; service: ServiceRole; table: string; t: TableNames };

async function connect(queueLimitBytes?: number): Promise<Connected> {
  const store = await createTestStore();
  const schema = `${store.schema}_lib`;
  await createLibraryTable(store, "stripe-style", schema);
  const table = `${escapeIdentifier(schema)}."idempotency_keys"`;
  await store.pool.query(`ALTER TABLE ${table} ADD COLUMN payload text`);
  const plan = await planConnect(
    store.pool,
    payloadPreset,
    { schema, name: "idempotency_keys" },
    ownNames(store),
  );
  if (queueLimitBytes)
    plan.statements = installStatements(plan.binding, ownNames(store), queueLimitBytes);
  await applyConnect(store.pool, plan, ownNames(store));
  const service = await createServiceRole(store, schema, table);
  return { store, service, table, t: tableNamesFor(store.layout, plan.binding) };
}

const ctxOf = (c: Connected) => writeContextOf(c.store.pool, c.t, parseConfig({}));
const count = async (c: Connected, sql: string) =>
  Number((await c.store.pool.query<{ n: string }>(sql)).rows[0]!.n);

describe("a preset whose derivation raises on some rows", () => {
  let c: Connected;
  beforeAll(async () => {
    c = await connect();
  });
  afterAll(async () => {
    await c.service.drop();
    await c.store.drop();
  });

  it("never fails the service's UPDATE (finding 1)", async () => {
    const { service, table } = c;
    await service.pool.query(
      `INSERT INTO ${table} (idempotency_key, locked_at, recovery_point, request_method, request_params, request_path, user_id)
       VALUES ('charge-1', now(), 'started', 'POST', '{}', '/rides', 7)`,
    );
    await service.pool.query(
      `UPDATE ${table} SET recovery_point = 'finished', response_code = 200, payload = 'charged ch_123'
        WHERE idempotency_key = 'charge-1'`,
    );
    // a plain heartbeat of that row, the statement that failed with "invalid input syntax for type json"
    for (let i = 0; i < 3; i++)
      await service.pool.query(
        `UPDATE ${table} SET last_run_at = now() WHERE idempotency_key = 'charge-1'`,
      );
    // an UPDATE of a column no event rule reads is not even queued
    const queued = await count(c, `SELECT count(*) AS n FROM ${c.t.ownTable("capture_queue")}`);
    await service.pool.query(`UPDATE ${table} SET request_path = '/rides' WHERE id > 0`);
    expect(await count(c, `SELECT count(*) AS n FROM ${c.t.ownTable("capture_queue")}`)).toBe(
      queued,
    );
  });

  it("dead-letters the bad rows alone and drains and folds the rest (finding 2)", async () => {
    const { service, table } = c;
    // a third bad change, then two good requests behind it
    await service.pool.query(
      `INSERT INTO ${table} (idempotency_key, locked_at, recovery_point, request_method, request_params, request_path, user_id, payload)
       VALUES ('charge-2', now(), 'started', 'POST', '{}', '/rides', 7, 'not json either')`,
    );
    for (const key of ["good-1", "good-2"])
      await postRide(service.pool, table, { userId: 8, key, params: ride });
    const result = await drainCaptureQueue(ctxOf(c));
    // charge-1's three heartbeats: their rule compares the stored responses, which cannot be read
    // (a claim or a completion reads no response, so those of charge-1 and charge-2 still count)
    expect(result.dropped).toBe(3);
    const dead = await c.store.pool.query<{ op: string; sqlstate: string }>(
      `SELECT op, sqlstate FROM ${c.t.ownTable("capture_dead_letters")} ORDER BY id`,
    );
    expect(dead.rows).toEqual(Array(3).fill({ op: "UPDATE", sqlstate: "22P02" }));
    const kinds = await c.store.pool.query<{ key: string; kind: string }>(
      `SELECT key, kind FROM ${c.t.events} ORDER BY id`,
    );
    expect(kinds.rows).toEqual([
      { key: "charge-1", kind: "claimed" },
      { key: "charge-1", kind: "completed" },
      { key: "charge-2", kind: "claimed" },
      { key: "good-1", kind: "claimed" },
      { key: "good-1", kind: "completed" },
      { key: "good-2", kind: "claimed" },
      { key: "good-2", kind: "completed" },
    ]);
    // nothing is left to fail the next tick: the queue is empty and the rollups advance
    expect(await count(c, `SELECT count(*) AS n FROM ${c.t.ownTable("capture_queue")}`)).toBe(0);
    await ensureIntentMemory(ctxOf(c), 14);
    const batch = await collectBatch(ctxOf(c));
    expect(batch.events).toBe(7);
    // shown on the Store page and in /api/metrics (idemscope_capture_dead_letters)
    const state = await readCaptureState(ctxOf(c));
    expect(state.deadLetters).toBe(3);
    expect(state.recentDeadLetters[0]).toMatchObject({ sqlstate: "22P02" });
    expect(state.recentDeadLetters[0]!.error).toMatch(/invalid input syntax for type json/);
  });

  it("keeps changes the service's own login marks as idemscope's (finding 6)", async () => {
    const { service, table } = c;
    const before = await count(c, `SELECT count(*) AS n FROM ${c.t.ownTable("capture_queue")}`);
    const s = await service.pool.connect();
    try {
      await s.query("BEGIN");
      await s.query(`SET LOCAL idemscope.operator_action = 'on'`);
      await s.query(`UPDATE ${table} SET last_run_at = now() WHERE idempotency_key = 'good-1'`);
      await s.query("COMMIT");
      // the marks only idemscope's role can write
      await expect(
        s.query(`INSERT INTO ${c.t.ownTable("operator_marks")} (xid) VALUES (1)`),
      ).rejects.toMatchObject({ code: "42501" });
    } finally {
      s.release();
    }
    expect(await count(c, `SELECT count(*) AS n FROM ${c.t.ownTable("capture_queue")}`)).toBe(
      before + 1,
    );
  });

  it("refuses its functions to other roles and other tables (finding 8)", async () => {
    const { store, service } = c;
    const schema = `${store.schema}_lib`;
    // a role that was given USAGE on idemscope's schema and a schema of its own
    await store.pool.query(`GRANT USAGE ON SCHEMA ${store.t.own} TO ${service.role}`);
    await store.pool.query(`GRANT CREATE ON SCHEMA "${schema}" TO ${service.role}`);
    await service.pool.query(
      `CREATE TABLE "${schema}".decoy (LIKE ${c.table} INCLUDING DEFAULTS INCLUDING IDENTITY)`,
    );
    await expect(
      service.pool.query(
        `CREATE TRIGGER forge AFTER INSERT ON "${schema}".decoy REFERENCING NEW TABLE AS new_rows
         FOR EACH STATEMENT EXECUTE FUNCTION ${store.t.ownTable("capture_change")}()`,
      ),
    ).rejects.toMatchObject({ code: "42501" });
    // attached by a superuser all the same, it queues nothing from another table
    await store.pool.query(
      `CREATE TRIGGER forge AFTER INSERT ON "${schema}".decoy REFERENCING NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION ${store.t.ownTable("capture_change")}()`,
    );
    const before = await count(c, `SELECT count(*) AS n FROM ${c.t.ownTable("capture_queue")}`);
    await service.pool.query(
      `INSERT INTO "${schema}".decoy (idempotency_key, recovery_point, request_method, request_params, request_path, user_id, response_code)
       VALUES ('forged', 'finished', 'POST', '{}', '/rides', 9, 201)`,
    );
    expect(await count(c, `SELECT count(*) AS n FROM ${c.t.ownTable("capture_queue")}`)).toBe(
      before,
    );
    await store.pool.query(`DROP TABLE "${schema}".decoy`);
  });

  it("opens no subtransaction for a 500-row purge and a hundred single-row updates (finding 9)", async () => {
    const { service, table } = c;
    await service.pool.query(
      `INSERT INTO ${table} (idempotency_key, recovery_point, request_method, request_params, request_path, user_id, response_code)
       SELECT 'purge-' || i, 'finished', 'POST', '{}', '/rides', 10, 201 FROM generate_series(1, 500) i`,
    );
    const s = await service.pool.connect();
    try {
      await s.query("BEGIN");
      for (let i = 1; i <= 100; i++)
        await s.query(`UPDATE ${table} SET response_code = 200 WHERE idempotency_key = $1`, [
          `purge-${i}`,
        ]);
      await s.query(`DELETE FROM ${table} WHERE idempotency_key LIKE 'purge-%'`);
      const sub = await s.query<{ subxact_count: number; subxact_overflowed: boolean }>(
        `SELECT subxact_count, subxact_overflowed
           FROM pg_stat_get_backend_subxact((SELECT b FROM pg_stat_get_backend_idset() b
                                              WHERE pg_stat_get_backend_pid(b) = pg_backend_pid()))`,
      );
      expect(sub.rows[0]).toEqual({ subxact_count: 0, subxact_overflowed: false });
      await s.query("COMMIT");
    } finally {
      s.release();
    }
    await drainCaptureQueue(ctxOf(c));
    expect(
      await count(
        c,
        `SELECT count(*) AS n FROM ${c.t.events} WHERE key LIKE 'purge-%' AND kind = 'expired'`,
      ),
    ).toBe(500);
  });
});

describe("a capture queue nobody drains", () => {
  let c: Connected;
  beforeAll(async () => {
    c = await connect(64 * 1024);
  });
  afterAll(async () => {
    await c.service.drop();
    await c.store.drop();
  });

  it("stops growing at its bound, counts what it skips, and never fails the service (finding 10)", async () => {
    for (let i = 0; i < 40; i++)
      await postRide(c.service.pool, c.table, { userId: 3, key: `full-${i}`, params: ride });
    const state = await readCaptureState(ctxOf(c));
    expect(state.queueLimitBytes).toBeGreaterThan(0);
    // the bound is checked before each statement's insert: one page over at most
    expect(state.queueBytes!).toBeLessThanOrEqual(64 * 1024 + 8192);
    expect(state.captureErrors!).toBeGreaterThan(0);
    expect(
      await count(c, `SELECT count(*) AS n FROM ${c.table} WHERE recovery_point = 'finished'`),
    ).toBe(40);
  });
});
