// Logical capture under load (docs/performance.md, "Logical capture"): rocket-rides requests
// (four writing transactions each) paced to a target of writes per second on a Stripe-style table
// connected through a replication slot, with the real collector streaming and folding it. Event
// lag is the staleness of the captured events (now minus the newest event's commit time),
// sampled every 100 ms; the service's latency is compared with the same load on an identical
// table while nothing decodes.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Pool } from "pg";
import { parseConfig } from "../../lib/config";
import { startCollector } from "../../lib/rollups/collector";
import { allStatements } from "../../lib/schema/all";
import { setActiveSource } from "../../lib/sources/active";
import { applyConnect, planConnect, uninstallSource } from "../../lib/sources/connect";
import { BUILT_IN_PRESETS } from "../../lib/sources/presets";
import { tableNamesFor } from "../../lib/tables";
import { percentile, type Timing } from "./timing";

const STORE = "bench_logical";
const OWN = "bench_logical_own";
const fixture = path.resolve(import.meta.dirname, "../../tests/fixtures/stores/stripe-style.sql");

export type LogicalCaptureResult = {
  targetWritesPerSecond: number;
  achievedWritesPerSecond: { off: number; on: number };
  lag: { p50: number; p95: number; max: number; samples: number };
  off: Timing;
  on: Timing;
  capturedEvents: number;
};

type Phase = { ms: number[]; writes: number; seconds: number };

/** The paced load, from a process of its own (./service-load.ts): the service is not idemscope. */
function load(
  databaseUrl: string,
  table: string,
  writesPerSecond: number,
  seconds: number,
  tag: string,
): Promise<Phase> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--conditions=react-server",
        "--import",
        "tsx",
        path.join(import.meta.dirname, "service-load.ts"),
        databaseUrl,
        table,
        String(writesPerSecond),
        String(seconds),
        tag,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split("\n").at(-1)!) as Phase)
        : reject(new Error(`service load exited ${code}`)),
    );
  });
}

export async function measureLogicalCapture(
  pool: Pool,
  databaseUrl: string,
  o: { writesPerSecond?: number; seconds?: number; rounds?: number } = {},
): Promise<LogicalCaptureResult> {
  const rate = o.writesPerSecond ?? 2000;
  const seconds = o.seconds ?? 20;
  const rounds = o.rounds ?? 3;
  const ddl = await readFile(fixture, "utf8");
  for (const s of [STORE, `${STORE}_off`, OWN])
    await pool.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  for (const s of [STORE, `${STORE}_off`]) {
    await pool.query(`CREATE SCHEMA ${s}`);
    await pool.query(ddl.replaceAll("{{schema}}", s));
  }
  await pool.query(`ALTER TABLE ${STORE}.idempotency_keys REPLICA IDENTITY FULL`);
  const layout = {
    storeSchema: STORE,
    keysTable: "unused_keys",
    eventsTable: "unused_events",
    idemscopeSchema: OWN,
  };
  const t = tableNamesFor(layout);
  await pool.query(`CREATE SCHEMA ${OWN}`);
  // idemscope's own schema (and unused contract tables beside the library's)
  for (const s of allStatements(t, { keys: "unused_keys", events: "unused_events" }))
    await pool.query(s);
  const own = { own: t.own, ownTable: t.ownTable, schema: OWN };
  const plan = await planConnect(
    pool,
    BUILT_IN_PRESETS.get("stripe-style")!,
    { schema: STORE, name: "idempotency_keys" },
    own,
    { capture: "logical", spans: false },
  );
  if (plan.problems.length > 0) throw new Error(plan.problems.join("; "));
  await applyConnect(pool, plan, own);
  const cfg = parseConfig({ IDEMSCOPE_STORE_SCHEMA: STORE, IDEMSCOPE_SCHEMA: OWN });
  const events = tableNamesFor(layout, plan.binding).events;

  const off: number[] = [];
  const on: number[] = [];
  const lags: number[] = [];
  const achieved = { off: 0, on: 0 };
  try {
    await load(databaseUrl, `${STORE}_off.idempotency_keys`, rate / 4, 3, "warm");
    for (let r = 0; r < rounds; r++) {
      // nothing decodes: the service's writes alone
      setActiveSource(null);
      const a = await load(databaseUrl, `${STORE}_off.idempotency_keys`, rate, seconds, `off${r}`);
      off.push(...a.ms);
      achieved.off += a.writes / a.seconds / rounds;
      // the slot streamed and folded by the real collector, while the same load writes
      setActiveSource(plan.binding);
      const collector = startCollector({ databaseUrl, cfg });
      await new Promise((resolve) => setTimeout(resolve, 3000)); // leader, stream, catch-up
      let sampling = true;
      const phaseStart = new Date();
      const sampler = (async () => {
        while (sampling) {
          // from the phase's first captured event on (before it, max(at) is the last round's)
          const s = await pool.query<{ lag: number | null }>(
            `SELECT extract(epoch FROM clock_timestamp() - max(at))::float8 AS lag FROM ${events}
             HAVING max(at) >= $1`,
            [phaseStart],
          );
          if (s.rows[0]?.lag != null) lags.push(s.rows[0].lag);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      const b = await load(databaseUrl, `${STORE}.idempotency_keys`, rate, seconds, `on${r}`);
      sampling = false;
      await sampler;
      on.push(...b.ms);
      achieved.on += b.writes / b.seconds / rounds;
      await collector.stop();
    }
  } finally {
    setActiveSource(null);
  }
  const captured = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${events}`);
  await uninstallSource(pool, own);
  for (const s of [STORE, `${STORE}_off`, OWN]) await pool.query(`DROP SCHEMA ${s} CASCADE`);
  const timing = (ms: number[]): Timing => {
    ms.sort((x, y) => x - y);
    return { p50: percentile(ms, 0.5), p95: percentile(ms, 0.95), runs: ms.length };
  };
  lags.sort((x, y) => x - y);
  return {
    targetWritesPerSecond: rate,
    achievedWritesPerSecond: { off: Math.round(achieved.off), on: Math.round(achieved.on) },
    lag: {
      p50: percentile(lags, 0.5),
      p95: percentile(lags, 0.95),
      max: lags.at(-1) ?? NaN,
      samples: lags.length,
    },
    off: timing(off),
    on: timing(on),
    capturedEvents: captured.rows[0]?.n ?? 0,
  };
}
