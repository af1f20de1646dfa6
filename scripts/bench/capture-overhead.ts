// What trigger capture costs the service (docs/performance.md, "Trigger capture"): the same
// rocket-rides request (claim, two recovery points, completion: four writing transactions) on
// two identical Stripe-style tables, one with idemscope's capture installed, written at the
// same time.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Pool } from "pg";
import { bindingOf } from "../../lib/contract/source-binding";
import { installStatements } from "../../lib/ingest/sources/capture-sql";
import { BUILT_IN_PRESETS } from "../../lib/contract/presets";
import { captureModeStatements, sourceStatements } from "../../lib/contract/schema/source";
import { tableNamesFor } from "../../lib/contract/tables";
import { postRide } from "../demo/writers/stripe-style";
import { timingOf, type Timing } from "./timing";
import { ROW_SHAPES } from "../support/preset-rows";

const OFF = "bench_capture_off";
const ON = "bench_capture_on";
const OWN = "bench_capture_own";
const fixture = path.resolve(import.meta.dirname, "../../tests/fixtures/stores/stripe-style.sql");

export type CaptureOverhead = {
  /** rows each table held before the timed requests */
  tableRows: number;
  requests: number;
  concurrency: number;
  off: Timing;
  on: Timing;
  /** requests refused with a 409 by a serialization failure (not timed), per side */
  refused: { off: number; on: number };
  /** row changes the capture queued (2 per completed request: the claim and the completion) */
  capturedChanges: number;
};

/** Rows written per statement when the tables are filled before the timings. */
const FILL_CHUNK = 1_000_000;

async function setUp(pool: Pool, rows: number): Promise<void> {
  const ddl = await readFile(fixture, "utf8");
  for (const schema of [OFF, ON, OWN]) await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  for (const schema of [OFF, ON]) {
    await pool.query(`CREATE SCHEMA ${schema}`);
    await pool.query(ddl.replaceAll("{{schema}}", schema));
    // the history a production table holds (before capture: none of it is queued)
    const insert = ROW_SHAPES["stripe-style"]!.insert(`${schema}.idempotency_keys`, 5000, 30);
    for (let lo = 1; lo <= rows; lo += FILL_CHUNK)
      await pool.query(insert, [lo, Math.min(rows, lo + FILL_CHUNK - 1), rows]);
    if (rows > 0) await pool.query(`VACUUM ANALYZE ${schema}.idempotency_keys`);
  }
  const t = tableNamesFor({
    storeSchema: ON,
    keysTable: "idempotency_keys",
    eventsTable: "unused",
    idemscopeSchema: OWN,
  });
  await pool.query(`CREATE SCHEMA ${OWN}`);
  // the source table as migrations leave it (capture modes add columns the install writes), and
  // the operator marks the triggers look up
  for (const s of [...sourceStatements(t), ...captureModeStatements(t)]) await pool.query(s);
  await pool.query(
    `CREATE TABLE ${t.ownTable("operator_marks")} (xid bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())`,
  );
  const binding = bindingOf(BUILT_IN_PRESETS.get("stripe-style")!, {
    schema: ON,
    name: "idempotency_keys",
  });
  for (const s of installStatements(binding, t)) await pool.query(s);
}

type Round = { ms: number[]; refused: number };

/** n requests; only completed ones are timed (SERIALIZABLE refusals are counted apart). */
async function round(
  pool: Pool,
  schema: string,
  n: number,
  concurrency: number,
  tag: string,
): Promise<Round> {
  const table = `${schema}.idempotency_keys`;
  const ms: number[] = [];
  let refused = 0;
  let next = 0;
  const ride = { amount: 2000, origin_lat: 0, origin_lon: 0 };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const start = performance.now();
        const r = await postRide(pool, table, {
          userId: 1 + (i % 500),
          key: `${tag}-${i}`,
          params: ride,
        });
        if (r.outcome === "completed") ms.push(performance.now() - start);
        else refused += 1;
      }
    }),
  );
  return { ms, refused };
}

export async function measureCaptureOverhead(
  pool: Pool,
  o: { requests?: number; rounds?: number; concurrency?: number; rows?: number } = {},
): Promise<CaptureOverhead> {
  const requests = o.requests ?? 2000;
  const rounds = o.rounds ?? 6;
  const concurrency = o.concurrency ?? 8;
  await setUp(pool, o.rows ?? 0);
  await round(pool, OFF, 200, concurrency, "warm"); // warm-up, both sides
  await round(pool, ON, 200, concurrency, "warm");
  const off: number[] = [];
  const on: number[] = [];
  const refused = { off: 0, on: 0 };
  // Both tables are written at the same time, half the workers each: whatever else the machine
  // does (checkpoints, the other process on its two cores) falls on both sides alike.
  for (let r = 0; r < rounds; r++) {
    const [a, b] = await Promise.all([
      round(pool, OFF, requests, concurrency / 2, `r${r}`),
      round(pool, ON, requests, concurrency / 2, `r${r}`),
    ]);
    off.push(...a.ms);
    on.push(...b.ms);
    refused.off += a.refused;
    refused.on += b.refused;
  }
  const events = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${OWN}.capture_queue`,
  );
  for (const schema of [OFF, ON, OWN]) await pool.query(`DROP SCHEMA ${schema} CASCADE`);
  return {
    tableRows: o.rows ?? 0,
    requests: requests * rounds,
    concurrency,
    off: timingOf(off),
    on: timingOf(on),
    refused,
    capturedChanges: events.rows[0]?.n ?? 0,
  };
}
