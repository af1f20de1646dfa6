// Logical capture under load (docs/performance.md, "Logical capture"): rocket-rides requests
// (four writing transactions each) paced to a target of writes per second on a Stripe-style table
// connected through a replication slot, with the real collector streaming and folding it. Event
// lag is the staleness of the captured events (now minus the newest event's commit time),
// sampled every 100 ms; the service's latency is compared with the same load on an identical
// table while nothing decodes.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Pool } from "pg";
import { parseConfig } from "../../lib/core/config";
import { startCollector } from "../../lib/fold/collector";
import { allStatements } from "../../lib/contract/schema/all";
import { setActiveSource } from "../../lib/contract/source-binding";
import { applyConnect, planConnect, uninstallSource } from "../../lib/ingest/sources/connect";
import { dropSlot, logicalNames } from "../../lib/ingest/sources/logical-setup";
import { BUILT_IN_PRESETS } from "../../lib/contract/presets";
import { tableNamesFor } from "../../lib/contract/tables";
import { spawnTsx } from "../support/spawn-tsx";
import type { WritePattern } from "./service-load";
import { percentile, timingOf, type Timing } from "./timing";
import { LOGICAL } from "../../lib/contract/capture-modes";

const STORE = "bench_logical";
const OWN = "bench_logical_own";
const fixture = path.resolve(import.meta.dirname, "../../tests/fixtures/stores/stripe-style.sql");

export type LogicalCaptureResult = {
  pattern: WritePattern;
  targetWritesPerSecond: number;
  achievedWritesPerSecond: { off: number; on: number };
  lag: { p50: number; p95: number; max: number; samples: number };
  off: Timing;
  on: Timing;
  capturedEvents: number;
  /** WAL per service write, without capture and with it (idemscope's own writes included) */
  walBytesPerWrite: { off: number; on: number };
  /** cores used while the captured load ran (backends still connected at its end) */
  cpu: Record<string, number>;
};

type Phase = { ms: number[]; writes: number; seconds: number };

const walPosition = async (pool: Pool) =>
  (await pool.query<{ lsn: string }>(`SELECT pg_current_wal_lsn()::text AS lsn`)).rows[0]!.lsn;
const walSince = async (pool: Pool, from: string) =>
  Number(
    (
      await pool.query<{ n: string }>(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1) AS n`, [
        from,
      ])
    ).rows[0]!.n,
  );

/** CPU seconds so far of this process and of each database backend, by application_name. */
async function cpuByApplication(pool: Pool): Promise<Map<string, number>> {
  const r = await pool.query<{ pid: number; app: string }>(
    `SELECT pid, CASE WHEN backend_type = 'walsender' THEN 'walsender'
                      ELSE coalesce(nullif(application_name, ''), backend_type) END AS app
       FROM pg_stat_activity`,
  );
  const ticks = async (pid: number | "self") => {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks
    } catch {
      return 0; // a server on another machine: only this process is measured
    }
  };
  const out = new Map<string, number>([
    ["idemscope process (consumer, collector)", await ticks("self")],
  ]);
  for (const { pid, app } of r.rows) out.set(app, (out.get(app) ?? 0) + (await ticks(pid)));
  return out;
}

/** The paced load, from a process of its own (./service-load.ts): the service is not idemscope. */
function load(
  databaseUrl: string,
  table: string,
  writesPerSecond: number,
  seconds: number,
  tag: string,
  pattern: WritePattern,
): Promise<Phase> {
  return new Promise((resolve, reject) => {
    const child = spawnTsx(
      path.join(import.meta.dirname, "service-load.ts"),
      [databaseUrl, table, String(writesPerSecond), String(seconds), tag, pattern],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
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
  o: { writesPerSecond?: number; seconds?: number; rounds?: number; pattern?: WritePattern } = {},
): Promise<LogicalCaptureResult> {
  const pattern = o.pattern ?? "lean";
  const rate = o.writesPerSecond ?? 2000;
  const seconds = o.seconds ?? 20;
  const rounds = o.rounds ?? 3;
  const ddl = await readFile(fixture, "utf8");
  // an interrupted earlier run leaves its slot and publication behind
  const names = logicalNames(OWN);
  await dropSlot(pool, names.slot);
  await pool.query(`DROP PUBLICATION IF EXISTS ${names.publication}`);
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
    { capture: LOGICAL, spans: false },
  );
  if (plan.problems.length > 0) throw new Error(plan.problems.join("; "));
  await applyConnect(pool, plan, own);
  const cfg = parseConfig({ IDEMSCOPE_STORE_SCHEMA: STORE, IDEMSCOPE_SCHEMA: OWN });
  const events = tableNamesFor(layout, plan.binding).events;

  const off: number[] = [];
  const on: number[] = [];
  const lags: number[] = [];
  const achieved = { off: 0, on: 0 };
  /** share of one core, per process or backend group, while the captured load ran */
  const cpu: Record<string, number> = {};
  /** WAL bytes per service write: REPLICA IDENTITY FULL adds the old row to each update */
  const wal = { off: 0, on: 0 };
  try {
    await load(databaseUrl, `${STORE}_off.idempotency_keys`, rate / 4, 3, "warm", pattern);
    for (let r = 0; r < rounds; r++) {
      // nothing decodes: the service's writes alone
      setActiveSource(null);
      const walOff = await walPosition(pool);
      const a = await load(
        databaseUrl,
        `${STORE}_off.idempotency_keys`,
        rate,
        seconds,
        `off${r}`,
        pattern,
      );
      off.push(...a.ms);
      wal.off += (await walSince(pool, walOff)) / a.writes / rounds;
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
      const cpuBefore = await cpuByApplication(pool);
      const walOn = await walPosition(pool);
      const b = await load(
        databaseUrl,
        `${STORE}.idempotency_keys`,
        rate,
        seconds,
        `on${r}`,
        pattern,
      );
      const cpuAfter = await cpuByApplication(pool);
      wal.on += (await walSince(pool, walOn)) / b.writes / rounds;
      for (const [app, after] of cpuAfter)
        cpu[app] = (cpu[app] ?? 0) + (after - (cpuBefore.get(app) ?? 0)) / b.seconds / rounds;
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
  lags.sort((x, y) => x - y);
  return {
    pattern,
    targetWritesPerSecond: rate,
    achievedWritesPerSecond: { off: Math.round(achieved.off), on: Math.round(achieved.on) },
    lag: {
      p50: percentile(lags, 0.5),
      p95: percentile(lags, 0.95),
      max: lags.at(-1) ?? NaN,
      samples: lags.length,
    },
    off: timingOf(off),
    on: timingOf(on),
    capturedEvents: captured.rows[0]?.n ?? 0,
    walBytesPerWrite: { off: Math.round(wal.off), on: Math.round(wal.on) },
    cpu: Object.fromEntries(
      Object.entries(cpu)
        .filter(([, v]) => v >= 0.01)
        .sort(([, a], [, b]) => b - a)
        .map(([k, v]) => [k, Math.round(v * 100) / 100]),
    ),
  };
}
