// Capture must never fail the service: with idemscope's capture queue gone (a botched migration, a
// DBA's cleanup) the service's writes still commit, each skipped change is counted and reported as
// a WARNING, and capture resumes when the table is back. A row image the derivation cannot read
// is dropped alone by the collector, counted, and never blocks the queue.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/core/config";
import { writeContextOf } from "../../../lib/contract/context";
import { drainCaptureQueue } from "../../../lib/ingest/sources/capture-drain";
import { readCaptureState } from "../../../lib/ingest/sources/capture-state";
import { postRide } from "../../../scripts/demo/writers/stripe-style";
import {
  capturedKinds,
  connectLibraryStore,
  type ConnectedStore,
} from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
let src: ConnectedStore;
const ride = { origin_lat: 0, origin_lon: 0, target_lat: 1, target_lon: 1 };

async function captureErrors(): Promise<number> {
  const r = await store.pool.query<{ n: string; called: boolean }>(
    `SELECT last_value AS n, is_called AS called FROM ${store.t.ownTable("capture_errors")}`,
  );
  return r.rows[0]!.called ? Number(r.rows[0]!.n) : 0;
}

beforeAll(async () => {
  store = await createTestStore();
  src = await connectLibraryStore(store, "stripe-style");
});
afterAll(() => store.drop());

describe("a broken capture", () => {
  it("never aborts or changes the service's write", async () => {
    await store.pool.query(
      `ALTER TABLE ${store.t.ownTable("capture_queue")} RENAME TO capture_queue_away`,
    );
    const warnings: string[] = [];
    const client = await store.pool.connect();
    client.on("notice", (n) => warnings.push(n.message ?? ""));
    try {
      await client.query("BEGIN");
      await client.query(
        `INSERT INTO ${src.table} (idempotency_key, locked_at, recovery_point, request_method, request_params, request_path, user_id)
         VALUES ('broken-1', now(), 'started', 'POST', '{}', '/rides', 7)`,
      );
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    expect(
      warnings.some((w) =>
        w.startsWith("idemscope capture skipped INSERT change(s): its queue is missing"),
      ),
    ).toBe(true);

    // the library's whole request goes through: claim, recovery points, completion
    const r = await postRide(store.pool, src.table, { userId: 7, key: "broken-2", params: ride });
    expect(r.outcome).toBe("completed");
    const rows = await store.pool.query(
      `SELECT idempotency_key, recovery_point, response_code FROM ${src.table} ORDER BY id`,
    );
    expect(rows.rows).toEqual([
      { idempotency_key: "broken-1", recovery_point: "started", response_code: null },
      { idempotency_key: "broken-2", recovery_point: "finished", response_code: 201 },
    ]);
    // one skipped statement each: broken-1's INSERT, then broken-2's claim, two recovery points and completion
    expect(await captureErrors()).toBe(5);
    // what /api/metrics reports (idemscope_capture_errors_total, the IdemscopeCaptureErrors alert)
    expect(await readCaptureState(src.ctx())).toMatchObject({
      preset: "stripe-style",
      captureErrors: 5,
    });
  });

  it("resumes when the queue is back", async () => {
    await store.pool.query(
      `ALTER TABLE ${store.t.ownTable("capture_queue_away")} RENAME TO capture_queue`,
    );
    await postRide(store.pool, src.table, { userId: 7, key: "broken-3", params: ride });
    expect(await capturedKinds(store, src.t)).toEqual({ claimed: 1, completed: 1 });
  });

  it("never aborts the service's write when the operator marks are gone either", async () => {
    const marks = store.t.ownTable("operator_marks");
    await store.pool.query(`ALTER TABLE ${marks} RENAME TO operator_marks_away`);
    try {
      const r = await postRide(store.pool, src.table, { userId: 7, key: "no-marks", params: ride });
      expect(r.outcome).toBe("completed");
    } finally {
      await store.pool.query(
        `ALTER TABLE ${store.t.ownTable("operator_marks_away")} RENAME TO operator_marks`,
      );
    }
  });

  it("drops a row image it cannot derive, alone, and drains the rest", async () => {
    const queue = store.t.ownTable("capture_queue");
    await postRide(store.pool, src.table, { userId: 7, key: "broken-4", params: ride });
    // an image whose created_at is not a timestamp: jsonb_populate_record refuses it
    await store.pool.query(
      `INSERT INTO ${queue} (op, new_row) VALUES ('INSERT', '{"id": 999, "created_at": "yesterday-ish"}')`,
    );
    await postRide(store.pool, src.table, { userId: 7, key: "broken-5", params: ride });
    const before = await captureErrors();
    expect(await capturedKinds(store, src.t)).toEqual({ claimed: 4, completed: 4 });
    expect(await captureErrors()).toBe(before + 1);
    expect((await store.pool.query(`SELECT count(*)::int AS n FROM ${queue}`)).rows[0].n).toBe(0);
  });

  it("keeps the queue and raises when the derivation itself is broken (every change fails)", async () => {
    const queue = store.t.ownTable("capture_queue");
    for (const key of ["broken-6", "broken-7"])
      await postRide(store.pool, src.table, { userId: 7, key, params: ride });
    const queued = (await store.pool.query(`SELECT count(*)::int AS n FROM ${queue}`)).rows[0].n;
    // claim, two recovery points, completion: raw columns the status derivation reads changed
    expect(queued).toBe(8);
    // a definition this table no longer fits (or a server older than the recorded preset)
    const broken = {
      ...src.binding,
      preset: { ...src.preset, derive: { ...src.preset.derive, scope: "r.no_such_column" } },
    };
    const before = await captureErrors();
    await expect(
      drainCaptureQueue(writeContextOf(store.pool, { ...src.t, source: broken }, parseConfig({}))),
    ).rejects.toThrow(/no_such_column/);
    expect((await store.pool.query(`SELECT count(*)::int AS n FROM ${queue}`)).rows[0].n).toBe(
      queued,
    );
    expect(await captureErrors()).toBe(before);
    // with the right definition everything drains
    expect(await capturedKinds(store, src.t)).toEqual({ claimed: 6, completed: 6 });
  });
});
