// Logical capture against what any login can write into the WAL (docs/reliability.md, findings 4
// and 6): a heartbeat must carry idemscope's signature to count, and never vouches for a time still
// to come; a malformed one is dropped and counted, and the decoder goes on; a WAL message that
// claims to be an operator's change hides nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/core/config";
import { drainCaptureQueue } from "../../../lib/ingest/sources/capture-drain";
import { readSlotStatus } from "../../../lib/ingest/sources/slot-status";
import { postRide } from "../../../scripts/demo/writers/stripe-style";
import { createServiceRole, type ServiceRole } from "../../helpers/service-role";
import { connectLibraryStore, type ConnectedStore } from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";
import { LOGICAL } from "../../../lib/contract/capture-modes";

let store: TestStore;
let src: ConnectedStore;
let service: ServiceRole;
const cfg = parseConfig({});

beforeAll(async () => {
  store = await createTestStore();
  src = await connectLibraryStore(store, "stripe-style", { capture: LOGICAL, spans: false });
  service = await createServiceRole(store, `${store.schema}_lib`, src.table);
  await postRide(service.pool, src.table, { userId: 1, key: "before", params: {} });
  await src.settle();
});
afterAll(async () => {
  await service.drop();
  await src?.disconnect();
  await store.drop();
});

const state = async () =>
  (
    await store.pool.query<{ caught: Date; future: boolean; starts: number; err: string | null }>(
      `SELECT caught_up_to AS caught, caught_up_to > now() AS future, starts_total::int AS starts,
              last_error AS err
         FROM ${src.t.ownTable("logical_state")}`,
    )
  ).rows[0]!;

const events = async (key: string) =>
  (
    await store.pool.query<{ kind: string }>(
      `SELECT kind FROM ${src.t.events} WHERE key = $1 ORDER BY id`,
      [key],
    )
  ).rows.map((r) => r.kind);

describe("the service's login writing idemscope's WAL messages", () => {
  it("cannot move the caught-up time with a forged heartbeat, nor stop the decoder with a malformed one (finding 4)", async () => {
    const starts = (await state()).starts;
    for (const content of ["2999-01-01 00:00:00+00", "not-a-time", "2999-01-01|deadbeef"])
      await service.pool.query(`SELECT pg_logical_emit_message(false, 'idemscope.heartbeat', $1)`, [
        content,
      ]);
    await postRide(service.pool, src.table, { userId: 1, key: "after-forgery", params: {} });
    await src.settle();
    const s = await state();
    expect(s.future).toBe(false);
    expect(s.starts).toBe(starts); // the stream never broke
    expect(s.err).toBeNull();
    expect(await events("after-forgery")).toEqual(["claimed", "completed"]);
    const slot = await readSlotStatus(src.ctx(cfg));
    expect(slot).toMatchObject({ heartbeatsRejected: 3, active: true });
    expect(slot!.lagSeconds!).toBeLessThan(5);
  });

  it("captures a change whose transaction claims to be an operator's (finding 6)", async () => {
    const c = await service.pool.connect();
    try {
      await c.query("BEGIN");
      await c.query(`SELECT pg_logical_emit_message(true, 'idemscope.operator_action', '')`);
      await c.query(`SET LOCAL idemscope.operator_action = 'on'`);
      await c.query(
        `UPDATE ${src.table} SET recovery_point = 'finished', response_code = 201, response_body = '{}'
          WHERE idempotency_key = 'before'`,
      );
      await c.query("COMMIT");
    } finally {
      c.release();
    }
    await src.settle();
    await drainCaptureQueue(src.ctx(cfg));
    // a finished key finished again with another response: a second completion, visible
    expect(await events("before")).toEqual(["claimed", "completed", "completed"]);
  });
});
