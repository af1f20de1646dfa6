// The stripe-style preset on rocket-rides-atomic's own table, written by rocket-rides' own
// statements: the trigger capture, and logical decoding alike, turn its row changes into exactly
// the events the scenario produced, the headline numbers follow, and release does what the
// library means (its own change never counted twice).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actOnKey } from "../../../lib/act/stuck-actions";
import { parseConfig } from "../../../lib/core/config";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { drainCaptureQueue } from "../../../lib/ingest/sources/capture-drain";
import { getKeyLifecycle } from "../../../lib/query/store/lifecycle";
import { getOverview } from "../../../lib/query/store/overview";
import { listStuckKeys } from "../../../lib/query/store/stuck";
import { finishKey, postRide, reap } from "../../../scripts/demo/writers/stripe-style";
import {
  capturedKinds,
  connectLibraryStore,
  type ConnectedStore,
} from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";
import { proxyOperator } from "../../helpers/identities";
import { captureModeNamed } from "../../../lib/contract/capture-modes";

let store: TestStore;
let src: ConnectedStore;
const cfg = parseConfig({});
const operator = proxyOperator;
const ride = { origin_lat: 0, origin_lon: 0, target_lat: 1, target_lon: 1 };

async function idOf(userId: number, key: string): Promise<string> {
  const r = await store.pool.query<{ id: string }>(
    `SELECT id FROM ${src.table} WHERE user_id = $1 AND idempotency_key = $2`,
    [userId, key],
  );
  return r.rows[0]!.id;
}

/** Test tooling, not the library: moves a key's lock (or creation) into the past. */
async function age(
  userId: number,
  key: string,
  column: "locked_at" | "created_at",
  seconds: number,
) {
  await store.pool.query(
    `UPDATE ${src.table} SET ${column} = now() - make_interval(secs => $3)
      WHERE user_id = $1 AND idempotency_key = $2`,
    [userId, key, seconds],
  );
}

const outcomes: string[] = [];
async function post(
  userId: number,
  key: string,
  extra: Partial<Parameters<typeof postRide>[2]> = {},
) {
  const r = await postRide(store.pool, src.table, { userId, key, params: ride, ...extra });
  outcomes.push(`${key}:${r.outcome}${r.resumed ? "(resumed)" : ""}`);
  return r;
}

describe.each(["triggers", "logical"] as const)("stripe-style capture (%s)", (capture) => {
  beforeAll(async () => {
    store = await createTestStore();
    src = await connectLibraryStore(store, "stripe-style", {
      capture: captureModeNamed(capture)!,
      spans: false,
    });

    await post(1, "k-a"); // claimed, completed
    await post(1, "k-a"); // replayed: writes nothing

    await post(1, "k-b", { crashAfter: "ride_created" }); // claimed; the worker dies
    await age(1, "k-b", "locked_at", 120);
    await post(1, "k-b"); // reclaimed (resumes at ride_created), completed

    const doubles = await Promise.all([post(2, "k-c"), post(2, "k-c")]); // one claims, one 409s or replays
    expect(doubles.map((d) => d.outcome).filter((o) => o === "completed")).toHaveLength(1);

    await post(2, "k-d"); // claimed, completed
    await post(2, "k-d", { params: { ...ride, target_lat: 2 } }); // mismatch: writes nothing

    await post(3, "k-e", { raiseError: true }); // claimed; error unlocks the key
    await post(3, "k-e"); // reclaimed, completed

    await post(3, "k-f"); // claimed, completed
    await age(3, "k-f", "created_at", 73 * 3600);
    expect(await reap(store.pool, src.table)).toBe(1); // expired
    await post(3, "k-f"); // the late retry runs the work again: claimed, completed (a duplicate)

    await post(4, "k-g", { crashAfter: "ride_created", chargeId: "ch_first" }); // claimed
    await age(4, "k-g", "locked_at", 120);
    await post(4, "k-g", { chargeId: "ch_second" }); // reclaimed, completed
    await finishKey(store.pool, src.table, await idOf(4, "k-g"), "ch_first"); // the zombie finishes: completed again

    await post(4, "k-h", { crashAfter: "ride_created" }); // claimed, then stuck
    await age(4, "k-h", "locked_at", 600);
  });
  afterAll(async () => {
    await src?.disconnect();
    await store.drop();
  });

  it("connects with no problems and records the source", async () => {
    expect(src.plan.problems).toEqual([]);
    const r = await store.pool.query(
      `SELECT preset, table_name FROM ${store.t.ownTable("source")}`,
    );
    expect(r.rows).toEqual([{ preset: "stripe-style", table_name: "idempotency_keys" }]);
  });

  it("captures exactly the scenario's claims, reclaims, completions and expiry", async () => {
    expect(await capturedKinds(store, src.t)).toEqual({
      claimed: 9, // a b c d e f f' g h: k-f's late retry is a new claim
      completed: 9, // a b c d e f f' g g(zombie)
      reclaimed: 3, // b e g
      expired: 1, // f
    });
  });

  it("derives the contract's keys through the view", async () => {
    const r = await store.pool.query(
      `SELECT scope, endpoint, status, recovery_point FROM ${src.t.keys} WHERE key = 'k-h'`,
    );
    expect(r.rows).toEqual([
      {
        scope: "4",
        endpoint: "POST /rides",
        status: "in_progress",
        recovery_point: "ride_created",
      },
    ]);
  });

  it("shows the duplicate successes and requests the capture can see", async () => {
    await src.settle();
    for (let i = 0; i < 10; i++) if ((await collectBatch(src.ctx(cfg))).caughtUp) break;
    const o = await getOverview(src.ctx(cfg), "1h");
    expect(o.duplicateSuccesses).toBe(2); // k-f (late retry after expiry) and k-g (zombie)
    expect(o.requests).toBe(12); // claims + reclaims: replays, 409s and mismatches write nothing
  });

  it("explains a duplicate success on the key page from captured events", async () => {
    const id = await idOf(4, "k-g");
    const life = await getKeyLifecycle(src.ctx(cfg), { id });
    expect(life.events.map((e) => e.kind)).toEqual([
      "claimed",
      "reclaimed",
      "completed",
      "completed",
    ]);
  });

  it("lists the stuck key, and release clears the lock so the next retry resumes", async () => {
    const page = await listStuckKeys(src.ctx(cfg), {}, { limit: 50 });
    expect(page.items.map((k) => k.key)).toEqual(["k-h"]);
    const id = await idOf(4, "k-h");
    const result = await actOnKey(src.ctx(cfg), {
      id,
      action: "release",
      reason: "worker died",
      actor: operator,
    });
    expect(result.key.lockedAt).toBeNull();
    const lib = await store.pool.query(
      `SELECT locked_at, recovery_point FROM ${src.table} WHERE id = $1`,
      [id],
    );
    expect(lib.rows[0]).toEqual({ locked_at: null, recovery_point: "ride_created" });

    const retry = await post(4, "k-h");
    expect(retry).toMatchObject({ outcome: "completed", resumed: true });
    await src.settle();
    await drainCaptureQueue(src.ctx(cfg));
    const kinds = await store.pool.query<{ kind: string }>(
      `SELECT kind FROM ${src.t.events} WHERE key_id = $1 ORDER BY id`,
      [id],
    );
    // the release wrote its own event (the capture skipped the operator's change)
    expect(kinds.rows.map((r) => r.kind)).toEqual([
      "claimed",
      "released",
      "reclaimed",
      "completed",
    ]);
    const audit = await store.pool.query(
      `SELECT action, before->>'lockedAt' IS NOT NULL AS was_locked, after->>'lockedAt' AS after
         FROM ${store.t.ownTable("audit_log")} WHERE key_id = $1`,
      [id],
    );
    expect(audit.rows).toEqual([{ action: "release", was_locked: true, after: null }]);
  });
});
