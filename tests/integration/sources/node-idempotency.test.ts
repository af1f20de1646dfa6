// The node-idempotency preset on the adapter's own UNLOGGED table, written by the library's own
// statements: the BEFORE INSERT trigger classifies every refused claim (replay, 409, mismatch),
// the row trigger the rest; headline numbers equal the scenario's ground truth.
import { markOperatorChange } from "../../../lib/ingest/sources/capture-sql";
import { escapeIdentifier } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actOnKey } from "../../../lib/act/stuck-actions";
import { parseConfig } from "../../../lib/core/config";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { drainCaptureQueue } from "../../../lib/ingest/sources/capture-drain";
import { getOverview } from "../../../lib/query/store/overview";
import { listStuckKeys } from "../../../lib/query/store/stuck";
import {
  nodeIdempotentRequest,
  purgeExpired,
  type NodeIdemRequest,
} from "../../../scripts/demo/writers/node-idempotency";
import {
  capturedKinds,
  connectLibraryStore,
  type ConnectedStore,
} from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";
import { proxyOperator } from "../../helpers/identities";

let store: TestStore;
let src: ConnectedStore;
const cfg = parseConfig({});
const operator = proxyOperator;
const ok = { statusCode: 201, body: { id: "pay_1" } };
const truth: Record<string, number> = {};

async function send(key: string, answer: NodeIdemRequest["answer"], body = { amount: 100 }) {
  const outcome = await nodeIdempotentRequest(store.pool, src.table, {
    method: "POST",
    path: "/v1/payments",
    key,
    body,
    answer,
  });
  truth[outcome] = (truth[outcome] ?? 0) + 1;
  return outcome;
}

/** Test tooling, not the library (capture skips it): moves a key's expiry into the past. */
async function expire(key: string) {
  const c = await store.pool.connect();
  try {
    await c.query("BEGIN");
    await markOperatorChange(c, store.t.ownTable("operator_marks"));
    await c.query(
      `UPDATE ${src.table} SET expires_at = now() - interval '1 second' WHERE key = $1`,
      [`node-idempotency:POST:/v1/payments:${key}`],
    );
    await c.query("COMMIT");
  } finally {
    c.release();
  }
}

beforeAll(async () => {
  store = await createTestStore();
  src = await connectLibraryStore(store, "node-idempotency");
  await send("a", ok); // claimed, completed
  await send("a", ok); // replayed
  await send("a", ok, { amount: 999 }); // mismatch
  await send("b", "crash"); // claimed; IN_PROGRESS forever
  await send("b", ok); // conflict
  await send("c", ok); // claimed, completed
  await expire("c");
  await send("c", ok); // expired + claimed (takes over), completed: a duplicate success
  await send("d", "crash"); // claimed
  await expire("d");
  await send("d", ok); // reclaimed (an expired claim taken over), completed
  await send("e", { error: { message: "card declined" }, statusCode: 402 }); // claimed, failed
  await send("e", ok); // replayed (the stored error)
  await send("f", ok); // claimed, completed
  await expire("f");
  await purgeExpired(store.pool, escapeIdentifier(`${store.schema}_lib`)); // expired
});
afterAll(() => store.drop());

describe("node-idempotency capture", () => {
  it("warns that the adapter's table is UNLOGGED", () => {
    expect(src.plan.warnings.some((w) => w.includes("is UNLOGGED"))).toBe(true);
  });

  it("captures every request kind, refused claims included", async () => {
    expect(truth).toEqual({
      completed: 5,
      failed: 1,
      replayed: 2,
      mismatch: 1,
      conflict: 1,
      crashed: 2,
    });
    expect(await capturedKinds(store, src.t)).toEqual({
      claimed: 7, // a b c c' d e f
      completed: 5, // a c c' d f
      failed: 1, // e
      replayed: 2, // a, e
      mismatch: 1, // a
      conflict: 1, // b
      reclaimed: 1, // d
      expired: 2, // c (overwritten), f (purged)
    });
  });

  it("shows the replay ratio and duplicate successes of the ground truth", async () => {
    for (let i = 0; i < 10; i++) if ((await collectBatch(src.ctx(cfg))).caughtUp) break;
    const o = await getOverview(src.ctx(cfg), "1h");
    expect(o.requests).toBe(12); // 7 claims + 1 reclaim + 2 replays + 1 conflict + 1 mismatch
    expect(o.replayed).toBe(2);
    expect(o.conflicts).toBe(1);
    expect(o.mismatches).toBe(1);
    expect(o.duplicateSuccesses).toBe(1); // c
  });

  it("lists the crashed key as stuck and releases it as the adapter's delete(key) would", async () => {
    // the adapter stamps no lock time: a 1-second lock timeout makes the crashed claim stuck
    const stuckCfg = parseConfig({ IDEMSCOPE_LOCK_TIMEOUT_SECONDS: "1" });
    await new Promise((r) => setTimeout(r, 1100));
    const page = await listStuckKeys(src.ctx(stuckCfg), {}, { limit: 50 });
    const b = page.items.find((k) => k.key === "b")!;
    expect(b).toMatchObject({ endpoint: "POST /v1/payments", scope: "(none)" });
    await actOnKey(src.ctx(stuckCfg), {
      id: b.id,
      action: "release",
      reason: "worker died",
      actor: operator,
    });
    const gone = await store.pool.query(`SELECT 1 FROM ${src.table} WHERE key LIKE '%:b'`);
    expect(gone.rowCount).toBe(0);
    expect(await send("b", ok)).toBe("completed"); // the retry runs the request again
    await drainCaptureQueue(src.ctx(cfg));
    const kinds = await store.pool.query<{ kind: string }>(
      `SELECT kind FROM ${src.t.events} WHERE key = 'b' ORDER BY id`,
    );
    expect(kinds.rows.map((r) => r.kind)).toEqual([
      "claimed",
      "conflict",
      "released",
      "claimed",
      "completed",
    ]);
  });
});
