// `npm run demo`: embedded PostgreSQL (unless DATABASE_URL is set), migrations, 30 days of
// backfilled history, the demo payments API with simulated traffic and a TTL purger, and the
// dashboard. Ctrl-C stops everything cleanly; the next start reuses the data.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Pool } from "pg";
import { createPool } from "../lib/db/pool";
import { config } from "../lib/core/config";
import { contextOf } from "../lib/contract/context";
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from "./support/embedded-postgres";
import { migrate } from "../lib/contract/migrate";
import { tableNames } from "../lib/contract/tables";
import { backfillHistory, purgeBackfilledDuplicateKeys, storeIsEmpty } from "./demo/backfill";
import { collectBatch } from "../lib/fold/collect-batch";
import { ensureIntentMemory } from "../lib/fold/intent-memory";
import { DEMO_AMOUNT_PATHS, demoLockTimeoutsEnv } from "./demo/catalog";
import { backfillSizeHistory } from "./demo/size-history";
import { startDemoApi, type DemoApi } from "./demo/payments-api";
import { startSimulator, type Simulator } from "./demo/simulator";
import { MEAN_TRAFFIC_SHAPE, trafficShape } from "./demo/traffic-shape";
import { reconcileBadDeploy } from "./demo/reconcile-job";
import { markLiveDeploy } from "./demo/deploy-marker";
import { startBulkTraffic } from "./demo/bulk-traffic";
import { startPurger } from "../lib/ingest/writer/purger";
import { ensureNextBuild } from "./support/next-build";
import { BUILT_IN_PRESETS, CONTRACT_PRESET, PRESET_NAMES } from "../lib/contract/presets";
import { returnToContract } from "./demo/preset-store";
import { parseCaptureArg, spansOnlyChoice } from "./connect/args";
import { spansOnlyPreset } from "../lib/contract/preset-spans-only";
import { presetDemo } from "./demo/preset-demo";
import { startDashboard } from "./support/dashboard";

const root = path.resolve(import.meta.dirname, "..");

class Fatal extends Error {}

function parseDays(raw: string): number {
  const m = /^(\d{1,3})d?$/.exec(raw);
  if (!m) throw new Fatal(`--history must look like 30d (got "${raw}")`);
  return Number(m[1]);
}

function options() {
  const { values } = parseArgs({
    options: {
      history: { type: "string", default: "30d" },
      rate: { type: "string", default: "0.5" },
      // seasonal: the live traffic follows the history's day and week; flat: a steady rate
      traffic: { type: "string", default: "seasonal" },
      "bulk-rate": { type: "string", default: "0" },
      // default: the live traffic's own density (rate × the shape's mean × a day)
      "intents-per-day": { type: "string" },
      port: { type: "string", default: process.env.PORT ?? "3000" },
      "data-dir": { type: "string", default: path.join(root, ".data", "pg") },
      "api-port": { type: "string", default: "0" },
      reset: { type: "boolean", default: false },
      "chaos-control": { type: "boolean", default: false },
      prod: { type: "boolean", default: false },
      "no-dashboard": { type: "boolean", default: false },
      preset: { type: "string", default: CONTRACT_PRESET },
      capture: { type: "string", default: "triggers" },
    },
  });
  const port = Number(values.port);
  const rate = Number(values.rate);
  const bulkRate = Number(values["bulk-rate"]);
  if (values.traffic !== "seasonal" && values.traffic !== "flat")
    throw new Fatal(`--traffic must be seasonal or flat (got "${values.traffic}")`);
  const seasonal = values.traffic === "seasonal";
  const intentsPerDay =
    values["intents-per-day"] === undefined
      ? Math.round(rate * 86_400 * (seasonal ? MEAN_TRAFFIC_SHAPE : 1))
      : Number(values["intents-per-day"]);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Fatal(`invalid port "${values.port}"`);
  if (!(rate >= 0 && rate <= 2000))
    throw new Fatal(`--rate must be 0–2000 intents/s (got "${values.rate}")`);
  if (!(bulkRate >= 0 && bulkRate <= 10000))
    throw new Fatal(`--bulk-rate must be 0–10000 requests/s (got "${values["bulk-rate"]}")`);
  if (!(intentsPerDay >= 0)) throw new Fatal(`--intents-per-day must be a number`);
  let capture;
  let spansOnly;
  try {
    // spans only (--preset spans-only, or --capture spans): a store the demo keeps in memory
    spansOnly = spansOnlyChoice({
      preset: values.preset === CONTRACT_PRESET ? undefined : values.preset,
      capture: values.capture === "triggers" ? undefined : values.capture,
    });
    capture = spansOnly ?? parseCaptureArg(values.capture);
  } catch (err) {
    throw new Fatal((err as Error).message);
  }
  if (spansOnly && values["no-dashboard"])
    throw new Fatal("--preset spans-only needs the dashboard: its POST /v1/traces takes the spans");
  const preset = spansOnly
    ? spansOnlyPreset(process.env.IDEMSCOPE_SCHEMA || "idemscope")
    : values.preset === CONTRACT_PRESET
      ? null
      : BUILT_IN_PRESETS.get(values.preset);
  if (preset === undefined)
    throw new Fatal(`unknown --preset "${values.preset}": one of ${PRESET_NAMES.join(", ")}`);
  if (!preset && values.capture !== "triggers")
    throw new Fatal("--capture needs --preset NAME (the contract's own store is read directly)");
  const apiPort = Number(values["api-port"]);
  if (!Number.isInteger(apiPort) || apiPort < 0 || apiPort > 65535)
    throw new Fatal(`invalid --api-port "${values["api-port"]}"`);
  return {
    ...values,
    port,
    apiPort,
    rate,
    bulkRate,
    intentsPerDay,
    seasonal,
    historyDays: parseDays(values.history),
    preset,
    capture,
  };
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        new Fatal(
          err.code === "EADDRINUSE"
            ? `port ${port} is already in use; set PORT to another port`
            : `cannot listen on port ${port}: ${err.message}`,
        ),
      ),
    );
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}

async function connect(url: string): Promise<Pool> {
  const pool = createPool(url, { max: 40, applicationName: "idemscope-demo" });
  try {
    await pool.query("SELECT 1");
  } catch (err) {
    await pool.end().catch(() => undefined);
    const where = url.replace(/\/\/[^@/]*@/, "//");
    throw new Fatal(`cannot connect to PostgreSQL at ${where}: ${(err as Error).message}`);
  }
  return pool;
}

async function main() {
  const o = options();
  if (!o["no-dashboard"]) await assertPortFree(o.port);
  const t0 = Date.now();
  let embedded: EmbeddedPostgresHandle | undefined;
  startedDatabase = () => embedded;
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    if (o.reset) await fs.rm(o["data-dir"], { recursive: true, force: true });
    embedded = await startEmbeddedPostgres({ dataDir: o["data-dir"] }).catch((err: Error) => {
      throw new Fatal(err.message);
    });
    databaseUrl = embedded.url;
  }
  const pool = await connect(databaseUrl);
  if (!process.env.IDEMSCOPE_ENDPOINT_LOCK_TIMEOUTS)
    process.env.IDEMSCOPE_ENDPOINT_LOCK_TIMEOUTS = demoLockTimeoutsEnv();
  // a budget the demo's store reaches within weeks, so that the Store page has a projection
  process.env.IDEMSCOPE_STORE_SIZE_BUDGET ||= "2GiB";
  // the money-moving endpoints' responses say how much ({ amount (cents), currency }); orders,
  // customers, invoices and subscriptions are left out, as a team would start
  process.env.IDEMSCOPE_AMOUNT_PATHS ||= DEMO_AMOUNT_PATHS;
  config(); // fail early on a bad variable
  await migrate({ databaseUrl, includeStore: true });
  if (o.preset) {
    await presetDemo({ ...o, root, preset: o.preset }, pool, databaseUrl, embedded);
    return;
  }
  await returnToContract(pool, config());
  const t = tableNames();
  const backfilled = o.historyDays > 0 && (await storeIsEmpty(pool, t));
  let purgedDuplicateKeyIds: string[] = [];
  // Live traffic starts before the backfill: the history ends where the backfill began, so
  // traffic starting only after it (and the fold) would leave a minute of silence on the charts.
  const chaos =
    o["chaos-control"] && embedded
      ? { stopDatabase: embedded.stop, startDatabase: embedded.restart }
      : undefined;
  const api: DemoApi = await startDemoApi(pool, t, { port: o.apiPort, chaos });
  const simulator: Simulator = startSimulator({
    apiUrl: api.url,
    rate: o.rate,
    shape: o.seasonal ? trafficShape : undefined,
  });
  const bulk = o.bulkRate > 0 ? startBulkTraffic(pool, t, o.bulkRate) : undefined;
  await markLiveDeploy(pool, t, config());
  if (backfilled) {
    const started = Date.now();
    // a minute or more of work before anything else prints: say so, not silence
    console.log(
      `backfilling ${o.historyDays} days of history (${o.intentsPerDay.toLocaleString("en-US")} intents a day), then folding it: about a minute…`,
    );
    const r = await backfillHistory(pool, t, {
      days: o.historyDays,
      intentsPerDay: o.intentsPerDay,
      // seasonal history has the live density already; flat live traffic gets its last hours
      recentHours: o.seasonal ? 0 : 12,
      recentIntentsPerSecond: o.rate,
    });
    purgedDuplicateKeyIds = r.purgedDuplicateKeyIds;
    console.log(
      `backfilled ${o.historyDays} days: ${r.intents} intents, ${r.events} events in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }

  // Fold the history into the rollups before the dashboard opens, so that its first paint is
  // complete; from then on the collector inside the dashboard keeps them current.
  const caughtUp = Date.now();
  let folded = 0;
  // a demo whose PostgreSQL was killed lost the (unlogged) intent memory: rebuilt first
  await ensureIntentMemory(contextOf(pool, t, config()), config().retentionDays.intents);
  let said = Date.now();
  for (;;) {
    const r = await collectBatch(contextOf(pool, t, config()));
    folded += r.events;
    if (r.caughtUp) break;
    if (Date.now() - said > 10_000) {
      said = Date.now();
      console.log(`rollups: ${folded.toLocaleString("en-US")} events folded so far…`);
    }
  }
  if (folded > 0)
    console.log(
      `rollups: ${folded} events folded in ${((Date.now() - caughtUp) / 1000).toFixed(1)} s`,
    );
  if (backfilled) {
    // the fold has priced the history's duplicates: their purged keys go, as the history says
    await purgeBackfilledDuplicateKeys(pool, t, purgedDuplicateKeyIds);
    const cfg = config();
    await backfillSizeHistory(pool, t, { keys: cfg.keysTable, events: cfg.eventsTable });
    const refunded = await reconcileBadDeploy(pool, t, cfg);
    if (refunded)
      console.log(`reconciled: ${refunded} duplicate charges of the bad deploy, refunded`);
  }

  const purger = startPurger(pool, t, 30_000);
  let dashboard: ChildProcess | undefined;
  if (!o["no-dashboard"] && o.prod) await ensureNextBuild(root, console.log);
  if (!o["no-dashboard"]) {
    dashboard = startDashboard(root, o.port, o.prod, {
      ...process.env,
      DATABASE_URL: databaseUrl,
      IDEMSCOPE_DEMO: "1",
      NEXT_TELEMETRY_DISABLED: "1",
    });
    dashboard.on("exit", (code) => {
      if (!stopping) {
        console.error(`dashboard exited (code ${code}); stopping the demo`);
        void shutdown(1);
      }
    });
  }
  console.log(
    `PostgreSQL:   ${databaseUrl}${embedded ? "  (embedded, data in " + path.relative(process.cwd(), o["data-dir"]) + ")" : ""}`,
  );
  console.log(`demo API:     ${api.url}  (simulated traffic: ${o.rate} intents/s)`);
  if (bulk) console.log(`bulk traffic: ${o.bulkRate} requests/s written set-based into the store`);
  if (dashboard)
    console.log(
      `dashboard:    http://127.0.0.1:${o.port}/   (ready in a few seconds; Ctrl-C stops the demo)`,
    );
  console.log(`started in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const status = setInterval(() => {
    const s = simulator.stats();
    const codes = Object.entries(s.byStatus)
      .map(([k, v]) => `${k}:${v}`)
      .join(" ");
    console.log(`traffic: ${s.sent} requests sent (${codes}; dropped/crashed: ${s.networkErrors})`);
    if (bulk) {
      const b = bulk.stats();
      console.log(
        `bulk traffic: ${b.requests} requests written (late ticks ${b.lateTicks}, failed ${b.errors})`,
      );
    }
  }, 60_000);

  let stopping = false;
  async function shutdown(code: number) {
    if (stopping) return;
    stopping = true;
    dashboard?.kill("SIGTERM"); // first, synchronously: never leave the dashboard behind
    clearInterval(status);
    purger.stop();
    await simulator.stop();
    await bulk?.stop();
    await api.close();
    await pool.end().catch(() => undefined);
    await embedded?.stop();
    process.exit(code);
  }
  // embedded-postgres also stops its servers on these signals and exits with 128 + signal
  // number; exiting with the same conventional code keeps the outcome the same either way.
  process.on("SIGINT", () => void shutdown(130));
  process.on("SIGTERM", () => void shutdown(143));
}

/** The embedded server, if one was started: stopped on a fatal error so it is never left behind. */
let startedDatabase: () => EmbeddedPostgresHandle | undefined = () => undefined;

main().catch(async (err: unknown) => {
  console.error(`idemscope demo: ${err instanceof Error ? err.message : String(err)}`);
  await startedDatabase()
    ?.stop()
    .catch(() => undefined);
  process.exit(1);
});
