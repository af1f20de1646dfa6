// Logical capture loses nothing and counts nothing twice when the capturing process dies: the
// collector (which streams the slot) is killed with SIGKILL at several moments while the
// rocket-rides writer keeps writing; a new collector takes over each time. In the end every key
// has exactly one captured claim and one completion, as many as the writer's requests.
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { dropSlot } from "../../../lib/ingest/sources/logical-setup";
import { postRide } from "../../../scripts/demo/writers/stripe-style";
import { startCollectorProcess } from "../../helpers/run-script";
import {
  connectLibraryStore,
  waitForLogicalCapture,
  type ConnectedStore,
} from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";
import { LOGICAL } from "../../../lib/contract/capture-modes";

let store: TestStore;
let src: ConnectedStore;

beforeAll(async () => {
  store = await createTestStore({ poolMax: 12 });
  src = await connectLibraryStore(store, "stripe-style", { capture: LOGICAL, spans: false }, false);
});
afterAll(async () => {
  await src?.disconnect();
  await store.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function starts(): Promise<number> {
  const r = await store.pool.query<{ n: number }>(
    `SELECT starts_total::int AS n FROM ${src.t.ownTable("logical_state")}`,
  );
  return r.rows[0]!.n;
}

const startCollector = () => startCollectorProcess(inject("databaseUrl"), store.layout);

it("gives exactly the writer's claims and completions after repeated SIGKILLs under load", async () => {
  const completed: string[] = [];
  let writing = true;
  let n = 0;
  const writer = async (w: number) => {
    while (writing) {
      const key = `crash-${w}-${n++}`;
      const r = await postRide(store.pool, src.table, { userId: w, key, params: { amount: n } });
      if (r.outcome === "completed") completed.push(key);
    }
  };
  const writers = Array.from({ length: 6 }, (_, w) => writer(w + 1));
  // kills at several moments after the stream started: at once, between and during batches
  for (const ms of [0, 150, 400, 800, 50, 1200, 250, 600]) {
    const before = await starts();
    const c = startCollector();
    while ((await starts()) === before) await sleep(20);
    await sleep(ms);
    await c.kill();
  }
  writing = false;
  await Promise.all(writers);
  await withCollector(() => caughtUpAndDrained());
  // the ground truth is the table: a request refused mid-way (a serialization failure answered
  // with 409) leaves its key claimed but unfinished, as the library does
  const rows = await store.pool.query<{ all: number; finished: number }>(
    `SELECT count(*)::int AS all, count(*) FILTER (WHERE recovery_point = 'finished')::int AS finished
       FROM ${src.table}`,
  );
  const truth = rows.rows[0]!;
  expect(completed.length).toBeGreaterThan(200);
  expect(truth.finished).toBe(completed.length);
  const kinds = await store.pool.query<{ kind: string; n: number; keys: number }>(
    `SELECT kind, count(*)::int AS n, count(DISTINCT key)::int AS keys FROM ${src.t.events} GROUP BY kind`,
  );
  const by = Object.fromEntries(kinds.rows.map((r) => [r.kind, r]));
  expect(by.claimed).toEqual({ kind: "claimed", n: truth.all, keys: truth.all });
  expect(by.completed).toEqual({ kind: "completed", n: completed.length, keys: completed.length });
  expect(Object.keys(by).sort()).toEqual(["claimed", "completed"]);
  expect(await starts()).toBeGreaterThanOrEqual(9); // it really restarted, again and again
}, 120_000);

it("counts nothing twice when PostgreSQL never got the acknowledgement of a committed batch", async () => {
  const slot = src.binding.logical!.slot;
  const events = async () =>
    (
      await store.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${src.t.events} WHERE key LIKE 'lost-ack-%'`,
      )
    ).rows[0]!.n;
  // a copy of the slot as it is now: later it stands for an acknowledgement that was lost
  await store.pool.query(`SELECT pg_copy_logical_replication_slot($1, $2)`, [
    slot,
    `${slot}_before`,
  ]);
  for (let i = 0; i < 20; i++)
    await postRide(store.pool, src.table, { userId: 1, key: `lost-ack-${i}`, params: { i } });
  await withCollector(() => caughtUpAndDrained());
  expect(await events()).toBe(2 * 20);
  // the slot goes back to before those requests, as if the process died before its ack; the
  // walsender of the killed collector may not have noticed yet, so dropSlot ends it first
  await dropSlot(store.pool, slot);
  await store.pool.query(`SELECT pg_copy_logical_replication_slot($1, $2)`, [
    `${slot}_before`,
    slot,
  ]);
  await store.pool.query(`SELECT pg_drop_replication_slot($1)`, [`${slot}_before`]);
  const behind = await store.pool.query<{ behind: boolean }>(
    `SELECT r.confirmed_flush_lsn < s.applied_lsn AS behind
       FROM pg_replication_slots r, ${src.t.ownTable("logical_state")} s WHERE r.slot_name = $1`,
    [slot],
  );
  expect(behind.rows[0]!.behind).toBe(true);
  await postRide(store.pool, src.table, { userId: 1, key: "lost-ack-after", params: {} });
  await withCollector(() => caughtUpAndDrained());
  expect(await events()).toBe(2 * 21); // each request's claim and completion, once
}, 90_000);

async function withCollector(fn: () => Promise<void>) {
  const c = startCollector();
  try {
    await fn();
  } finally {
    await c.kill();
  }
}

/** Everything committed is streamed, and the collector turned the queue into events. */
async function caughtUpAndDrained() {
  await waitForLogicalCapture(store, src.t, 60_000);
  for (let i = 0; i < 200; i++) {
    const q = await store.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${src.t.ownTable("capture_queue")}`,
    );
    if (q.rows[0]!.n === 0) return;
    await sleep(100);
  }
  throw new Error("the capture queue was not drained");
}
