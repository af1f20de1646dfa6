// Logical capture's apply step, without a slot (lib/ingest/sources/logical-apply.ts): committed
// transactions of the library's table become events together with the position they reach, a
// transaction at or before that position is never applied twice, and idemscope's own release or
// fail (operator_marks) is skipped because its statement wrote its event itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostname } from "node:os";
import { LOGICAL } from "../../../lib/contract/capture-modes";
import { inTransaction } from "../../../lib/db/pool";
import {
  applyTargetOf,
  applyTransactions,
  type ApplyTarget,
} from "../../../lib/ingest/sources/logical-apply";
import type { Txn } from "../../../lib/ingest/sources/logical-decode";
import { formatLsn, parseLsn } from "../../../lib/ingest/sources/lsn";
import { connectLibraryStore, ownNames, type ConnectedStore } from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
let src: ConnectedStore;
let target: ApplyTarget;

beforeAll(async () => {
  store = await createTestStore();
  // consume = false: no stream runs; the test hands the transactions over itself
  src = await connectLibraryStore(store, "stripe-style", { capture: LOGICAL, spans: false }, false);
  const own = ownNames(store);
  target = applyTargetOf(src.binding, own, `${hostname()}:test`);
});
afterAll(async () => {
  await src?.disconnect();
  await store.drop();
});

const at = "2026-12-06T10:00:00.000000Z";
/** A stripe-style row image as pgoutput gives it: every column as PostgreSQL's text. */
const ride = (key: string, finished: boolean) => ({
  id: String(1000 + key.length),
  created_at: "2026-12-06 10:00:00+00",
  idempotency_key: key,
  last_run_at: "2026-12-06 10:00:00+00",
  locked_at: finished ? null : "2026-12-06 10:00:00+00",
  request_method: "POST",
  request_params: { amount: 5 },
  request_path: "/rides",
  response_code: finished ? "201" : null,
  response_body: finished ? { ok: true } : null,
  recovery_point: finished ? "finished" : "started",
  user_id: "7",
});

async function position(): Promise<bigint> {
  const r = await store.pool.query<{ applied: string }>(
    `SELECT applied_lsn::text AS applied FROM ${target.state}`,
  );
  return parseLsn(r.rows[0]!.applied);
}

async function kinds(key: string): Promise<string[]> {
  const r = await store.pool.query<{ kind: string }>(
    `SELECT kind FROM ${src.t.events} WHERE key = $1 ORDER BY id`,
    [key],
  );
  return r.rows.map((x) => x.kind);
}

const apply = (txns: Txn[]) =>
  inTransaction(store.pool, (c) =>
    applyTransactions(c, target, { txns, heartbeatAt: null, rejected: 0 }),
  );

describe("applying committed transactions", () => {
  it("turns them into events and records the position they reach, once", async () => {
    const start = await position();
    const claim: Txn = {
      commitLsn: start + 100n,
      endLsn: start + 200n,
      at,
      xid: 900_001,
      changes: [{ at, op: "INSERT", old_row: null, new_row: ride("apply-a", false) }],
    };
    const finish: Txn = {
      commitLsn: start + 300n,
      endLsn: start + 400n,
      at,
      xid: 900_002,
      changes: [
        { at, op: "UPDATE", old_row: ride("apply-a", false), new_row: ride("apply-a", true) },
      ],
    };
    expect(formatLsn(await apply([claim, finish]))).toBe(formatLsn(start + 400n));
    expect(await position()).toBe(start + 400n);
    expect(await kinds("apply-a")).toEqual(["claimed", "completed"]);

    // the same transactions again (a stream resumed before its acknowledgement): nothing twice
    expect(await apply([claim, finish])).toBe(start + 400n);
    expect(await kinds("apply-a")).toEqual(["claimed", "completed"]);
    const skipped = await store.pool.query<{ n: number }>(
      `SELECT skipped_total::int AS n FROM ${target.state}`,
    );
    expect(skipped.rows[0]!.n).toBe(2);
  });

  it("skips idemscope's own release or fail, whose statement wrote its event", async () => {
    const start = await position();
    await store.pool.query(`INSERT INTO ${target.marks} (xid) VALUES (900_003)`);
    const operator: Txn = {
      commitLsn: start + 100n,
      endLsn: start + 200n,
      at,
      xid: 900_003,
      changes: [{ at, op: "INSERT", old_row: null, new_row: ride("apply-b", false) }],
    };
    expect(await apply([operator])).toBe(start + 200n);
    expect(await kinds("apply-b")).toEqual([]);
  });
});
