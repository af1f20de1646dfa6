// The store owner's chaos test (docs/reliability.md, "Store safety"): the service's own login runs
// rocket-rides' statements with four workers the whole time, while, in turn, idemscope connects
// and disconnects with a dashboard read holding its tables, a custom preset meets rows its
// derivation cannot read, the service's login forges heartbeats and operator marks, the collector
// is SIGKILLed, and spans arrive with absurd times. The service never fails a transaction, no
// request is more than a second slower than before idemscope was there, and once the collector
// has caught up every captured number equals the table's own truth.
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { escapeIdentifier } from "pg";
import { POST } from "../../../app/v1/traces/route";
import { parseConfig } from "../../../lib/core/config";
import { writeContextOf } from "../../../lib/contract/context";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { readConnectedSource, setActiveSource } from "../../../lib/contract/source-binding";
import { drainCaptureQueue } from "../../../lib/ingest/sources/capture-drain";
import { applyConnect, planConnect, uninstallSource } from "../../../lib/ingest/sources/connect";
import { tableNamesFor, type TableNames } from "../../../lib/contract/tables";
import { postRide } from "../../../scripts/demo/writers/stripe-style";
import { rollupVersusRaw } from "../../helpers/rollup-totals";
import { useStoreForRoutes } from "../../helpers/route-env";
import { startCollectorProcess } from "../../helpers/run-script";
import { createServiceRole, timed, type ServiceRole } from "../../helpers/service-role";
import {
  createLibraryTable,
  holdRead,
  ownNames,
  payloadTextPreset,
  waitForLogicalCapture,
} from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";
import { LOGICAL, TRIGGERS, type CaptureMode } from "../../../lib/contract/capture-modes";

const TOKEN = "chaos-test-otlp-token-0123456789";
// a derivation that raises on a payload that is not JSON (and reads the library's response else)
const payloadPreset = payloadTextPreset("coalesce(r.payload::jsonb, r.response_body)");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let store: TestStore;
let service: ServiceRole;
let table: string;
let schema: string;

beforeAll(async () => {
  store = await createTestStore({ poolMax: 12 });
  schema = `${store.schema}_lib`;
  await createLibraryTable(store, "stripe-style", schema);
  table = `${escapeIdentifier(schema)}."idempotency_keys"`;
  await store.pool.query(`ALTER TABLE ${table} ADD COLUMN payload text`);
  await store.pool.query(`ALTER TABLE ${table} REPLICA IDENTITY FULL`);
  service = await createServiceRole(store, schema, table);
  useStoreForRoutes(store, { IDEMSCOPE_OTLP_TOKEN: TOKEN });
});
afterAll(async () => {
  setActiveSource(null);
  await uninstallSource(store.pool, ownNames(store)).catch(() => undefined);
  await service.drop();
  await store.drop();
});

/** The service: four workers, each request rocket-rides' POST /rides as the service's login. */
function startWorkload() {
  const durations: number[] = [];
  const failures: Error[] = [];
  let phase = "base";
  let running = true;
  let n = 0;
  const worker = async (w: number) => {
    while (running) {
      const key = `${phase}-${w}-${n++}`;
      try {
        durations.push(
          await timed(() => postRide(service.pool, table, { userId: w, key, params: { n } })),
        );
      } catch (err) {
        failures.push(err as Error);
      }
    }
  };
  const workers = Array.from({ length: 4 }, (_, w) => worker(w + 1));
  return {
    durations,
    failures,
    setPhase: (p: string) => (phase = p),
    stop: async () => {
      running = false;
      await Promise.all(workers);
    },
  };
}

const startCollector = () => startCollectorProcess(inject("databaseUrl"), store.layout);

async function connectWith(capture: CaptureMode, spans: boolean) {
  const plan = await planConnect(
    store.pool,
    payloadPreset,
    { schema, name: "idempotency_keys" },
    ownNames(store),
    // the truth here is what capture saw: the rows the table already held are not imported (the
    // import's exactness is history-import.test.ts's)
    { capture, spans, importsHistory: false },
  );
  expect(plan.problems).toEqual([]);
  // a dashboard read holds one of idemscope's tables for the first second of the install
  const read = await holdRead(store, store.t.ownTable("rollup_events"));
  const released = sleep(1000)
    .then(() => read.query("COMMIT"))
    .finally(() => read.release());
  await applyConnect(store.pool, plan, ownNames(store));
  await released;
  return plan.binding;
}

it("never fails or stalls the service, and ends with exact numbers", async () => {
  const load = startWorkload();
  await sleep(3000);
  const baseline = Math.max(...load.durations);
  const baselineCount = load.durations.length;

  // connect with triggers, then uninstall with a dashboard read on the captured events
  load.setPhase("triggers");
  let collector = startCollector();
  await connectWith(TRIGGERS, false);
  await sleep(2000);
  const read = await holdRead(store, store.t.ownTable("captured_events"));
  const removing = uninstallSource(store.pool, ownNames(store));
  await sleep(1000);
  await read.query("COMMIT");
  read.release();
  await removing;

  // the final source: logical decoding with spans; the truth is counted from its install on
  load.setPhase("installing");
  const binding = await connectWith(LOGICAL, true);
  load.setPhase("final");
  const t: TableNames = tableNamesFor(store.layout, binding);
  setActiveSource(await readConnectedSource(store.pool, store.layout.idemscopeSchema));
  await sleep(1500);

  // poison: finished rows given a payload the derivation cannot read (each such change is a
  // dead letter, alone), then forged heartbeats and operator marks from the service's login
  await service.pool.query(
    `UPDATE ${table} SET payload = 'not json' WHERE id IN (
       SELECT id FROM ${table} WHERE idempotency_key LIKE 'final-%' AND recovery_point = 'finished' ORDER BY id LIMIT 3)`,
  );
  for (const content of ["2999-01-01 00:00:00+00", "not-a-time"])
    await service.pool.query(`SELECT pg_logical_emit_message(false, 'idemscope.heartbeat', $1)`, [
      content,
    ]);
  const s = await service.pool.connect();
  try {
    await s.query("BEGIN");
    await s.query(`SELECT pg_logical_emit_message(true, 'idemscope.operator_action', '')`);
    await s.query(`SET LOCAL idemscope.operator_action = 'on'`);
    await s.query(
      `INSERT INTO ${table} (idempotency_key, locked_at, recovery_point, request_method, request_params, request_path, user_id)
       VALUES ('final-hidden', now(), 'started', 'POST', '{}', '/rides', 9)`,
    );
    await s.query("COMMIT");
  } finally {
    s.release();
  }

  // the collector dies mid-stream, twice, and comes back
  for (const ms of [300, 900]) {
    await sleep(ms);
    await collector.kill();
    collector = startCollector();
  }

  // spans with absurd times: refused alone
  const absurd = await POST(
    new Request("http://127.0.0.1/v1/traces", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [0, Date.UTC(2100, 0, 1)].map((ms, i) => ({
                  traceId: `${i + 1}`.padStart(32, "a"),
                  spanId: `${i + 1}`.padStart(16, "b"),
                  kind: 2,
                  startTimeUnixNano: String(BigInt(ms) * 1_000_000n),
                  endTimeUnixNano: String(BigInt(ms) * 1_000_000n + 1000n),
                  attributes: [
                    {
                      key: "http.request.header.idempotency-key",
                      value: { stringValue: "final-1-0" },
                    },
                    { key: "http.request.method", value: { stringValue: "POST" } },
                    { key: "url.path", value: { stringValue: "/rides" } },
                    { key: "http.response.status_code", value: { intValue: 409 } },
                  ],
                })),
              },
            ],
          },
        ],
      }),
    }),
  );
  expect(await absurd.json()).toMatchObject({ partialSuccess: { rejectedSpans: 2 } });

  await sleep(1500);
  await load.stop();

  // the service: not one failed transaction, no request a second slower than before
  expect(load.failures).toEqual([]);
  expect(load.durations.length).toBeGreaterThan(baselineCount * 2);
  expect(Math.max(...load.durations)).toBeLessThan(baseline + 1000);

  // recovery: the collector catches up, then every number is the table's own truth
  await waitForLogicalCapture(store, t, 60_000);
  await collector.kill();
  // what the collector's next ticks would do, to the end: drain the queue, fold every event
  const ctx = writeContextOf(store.pool, t, parseConfig({}));
  await drainCaptureQueue(ctx);
  while (!(await collectBatch(ctx)).caughtUp);
  const truth = await store.pool.query<{ all: number; finished: number }>(
    `SELECT count(*)::int AS all, count(*) FILTER (WHERE recovery_point = 'finished')::int AS finished
       FROM ${table} WHERE idempotency_key LIKE 'final-%'`,
  );
  const kinds = await store.pool.query<{ kind: string; n: number; keys: number }>(
    `SELECT kind, count(*)::int AS n, count(DISTINCT key)::int AS keys FROM ${t.events}
      WHERE key LIKE 'final-%' GROUP BY kind ORDER BY kind`,
  );
  expect(kinds.rows).toEqual([
    { kind: "claimed", n: truth.rows[0]!.all, keys: truth.rows[0]!.all },
    { kind: "completed", n: truth.rows[0]!.finished, keys: truth.rows[0]!.finished },
  ]);
  const dead = await store.pool.query(
    `SELECT count(*)::int AS n FROM ${t.ownTable("capture_dead_letters")}`,
  );
  expect(dead.rows[0].n).toBe(3);
  const state = await store.pool.query(
    `SELECT heartbeats_rejected::int AS rejected, caught_up_to <= now() AS sane FROM ${t.ownTable("logical_state")}`,
  );
  expect(state.rows[0]).toEqual({ rejected: 2, sane: true });
  for (const [name, { raw, rollup }] of Object.entries(await rollupVersusRaw(store.pool, t)))
    expect(rollup, name).toEqual(raw);
}, 150_000);
