// `npm run demo -- --preset NAME [--capture triggers|logical[,spans]]` (docs/presets.md): the
// library's own table with its capture, written by that library's statements under the
// simulator's faults.
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Pool } from "pg";
import { config } from "../../lib/core/config";
import { contextOf } from "../../lib/contract/context";
import { collectBatch } from "../../lib/fold/collect-batch";
import { ensureIntentMemory } from "../../lib/fold/intent-memory";
import { readConnectedSource } from "../../lib/contract/source-binding";
import { OPERATOR_MARKS_TABLE } from "../../lib/ingest/sources/capture-sql";
import {
  applyConnect,
  captureLabel,
  planConnect,
  uninstallSource,
  type CaptureChoice,
} from "../../lib/ingest/sources/connect";
import type { Config } from "../../lib/core/config";
import { spansOnlyPreset } from "../../lib/contract/preset-spans-only";
import { SPANS_ONLY } from "../../lib/contract/capture-modes";
import type { Preset } from "../../lib/contract/preset";
import { tableNamesFor } from "../../lib/contract/tables";
import { startDashboard } from "../support/dashboard";
import { spawnTsx } from "../support/spawn-tsx";
import type { EmbeddedPostgresHandle } from "../support/embedded-postgres";
import { ensureNextBuild } from "../support/next-build";
import { DEMO_TTL_SECONDS, libraryClient, startLibraryTraffic } from "./library-traffic";
import { connectPresetStore, type PresetStore } from "./preset-store";
import { memoryRidesClient, ridesHttpClient } from "./rides-client";

const SPANS_ONLY_CHOICE: CaptureChoice = {
  capture: SPANS_ONLY,
  spans: true,
  importsHistory: false,
};

/** The span-only demo's store: the service keeps its keys in memory (a lock and a TTL of its own). */
const MEMORY_STORE = { lockSeconds: 60, ttlSeconds: DEMO_TTL_SECONDS };

/**
 * The traced rides service (./traced-rides-service.ts) as a child process of the demo: on the
 * library's table, or (`store: null`, spans only) with its keys in its own memory.
 */
async function startTracedService(
  databaseUrl: string,
  table: string | null,
  dashboardPort: number,
  token: string,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const store = table
    ? { DATABASE_URL: databaseUrl, RIDES_TABLE: table }
    : {
        RIDES_STORE: "memory",
        RIDES_LOCK_SECONDS: String(MEMORY_STORE.lockSeconds),
        RIDES_TTL_SECONDS: String(MEMORY_STORE.ttlSeconds),
      };
  const child = spawnTsx(path.join(import.meta.dirname, "traced-rides-service.ts"), [], {
    env: {
      ...process.env,
      ...store,
      OTLP_TRACES_URL: `http://127.0.0.1:${dashboardPort}/v1/traces`,
      OTLP_TOKEN: token,
      OTLP_PROTOCOL: "protobuf",
      OTLP_COMPRESSION: "gzip",
    },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /rides service: (http:\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`the traced rides service exited (code ${code})`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export type PresetDemoOptions = {
  root: string;
  preset: Preset;
  capture: CaptureChoice;
  rate: number;
  port: number;
  prod: boolean;
  "no-dashboard": boolean;
  /** days of keys a new table holds before it is connected, and how many a day */
  historyDays: number;
  intentsPerDay: number;
};

/** Connects the span-only source (as `npm run connect -- --capture spans --apply`). */
async function connectSpansOnly(pool: Pool, cfg: Config): Promise<PresetStore> {
  const t = tableNamesFor(cfg);
  const own = { own: t.own, ownTable: t.ownTable, schema: cfg.idemscopeSchema };
  const connected = await readConnectedSource(pool, cfg.idemscopeSchema);
  if (connected && connected.capture.readsStore) await uninstallSource(pool, own);
  const preset = spansOnlyPreset(cfg.idemscopeSchema);
  const plan = await planConnect(pool, preset, preset.table, own, SPANS_ONLY_CHOICE);
  if (plan.problems.length > 0) throw new Error(plan.problems.join("; "));
  await applyConnect(pool, plan, own);
  return { preset, schema: t.own, table: plan.binding.base, historyRows: 0 };
}

/** Resolves once `url` answers (the dashboard is up), or throws after two minutes. */
async function waitUntilServing(url: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the dashboard did not answer at ${url} within two minutes`);
}

/** The history a preset's new table is given: at most this many rows, however long. */
const MAX_HISTORY_ROWS = 200_000;

/**
 * `--preset NAME`: the library's own table with trigger capture, written by that library's
 * statements under the simulator's faults. A new table first gets `--history` days of rows
 * shaped like the library's own, which the collector imports after connect: such tables keep no
 * history of their own, so before connect the pages show first requests and outcomes only.
 */
export async function presetDemo(
  o: PresetDemoOptions,
  pool: Pool,
  databaseUrl: string,
  embedded: EmbeddedPostgresHandle | undefined,
) {
  const cfg = config();
  // the demo's service keeps keys 5 minutes: node-idempotency's preset is told so (its `ttl` let),
  // as a team sets its own cacheTTLMS (docs/presets/node-idempotency.md)
  const preset =
    o.preset.name === "node-idempotency"
      ? { ...o.preset, lets: { ...o.preset.lets, ttl: `interval '${DEMO_TTL_SECONDS} seconds'` } }
      : o.preset;
  const spansOnly = !o.capture.capture.readsStore;
  if (o.capture.spans && !spansOnly && preset.name !== "stripe-style")
    throw new Error(
      "the demo's traced HTTP service is rocket-rides' (stripe-style): --capture …,spans needs --preset stripe-style",
    );
  const store = spansOnly
    ? await connectSpansOnly(pool, cfg)
    : await connectPresetStore(pool, preset, cfg, o.capture, {
        rows: Math.min(MAX_HISTORY_ROWS, Math.round(o.historyDays * o.intentsPerDay)),
        days: o.historyDays,
      });
  const otlpToken = process.env.IDEMSCOPE_OTLP_TOKEN || `demo-${randomBytes(12).toString("hex")}`;
  // spans: the requests go through the traced rides service, which exports to the dashboard
  const service = o.capture.spans
    ? await startTracedService(databaseUrl, spansOnly ? null : store.table, o.port, otlpToken)
    : undefined;
  const client = spansOnly
    ? memoryRidesClient(service!.url, MEMORY_STORE)
    : libraryClient(
        pool,
        preset,
        store.table,
        store.schema,
        tableNamesFor(cfg).ownTable(OPERATOR_MARKS_TABLE),
      );
  const startTraffic = () =>
    startLibraryTraffic(
      service && !spansOnly ? ridesHttpClient(service.url, client) : client,
      preset,
      o.rate,
    );
  // what spans carry is lost until the dashboard takes them: then traffic waits for it
  const waitForDashboard = o.capture.spans && !o["no-dashboard"];
  let traffic = waitForDashboard ? null : startTraffic();
  const source = await readConnectedSource(pool, cfg.idemscopeSchema);
  const t = tableNamesFor(cfg, source);
  // everything captured so far, folded before the dashboard opens
  await ensureIntentMemory(contextOf(pool, t, cfg), cfg.retentionDays.intents);
  for (;;) if ((await collectBatch(contextOf(pool, t, cfg))).caughtUp) break;
  if (!o["no-dashboard"] && o.prod) await ensureNextBuild(o.root, console.log);
  const dashboard = o["no-dashboard"]
    ? undefined
    : startDashboard(o.root, o.port, o.prod, {
        ...process.env,
        DATABASE_URL: databaseUrl,
        IDEMSCOPE_DEMO: "1",
        IDEMSCOPE_OTLP_TOKEN: otlpToken,
        NEXT_TELEMETRY_DISABLED: "1",
      });
  if (waitForDashboard) {
    await waitUntilServing(`http://127.0.0.1:${o.port}/api/health`);
    traffic = startTraffic();
  }
  console.log(`PostgreSQL:   ${databaseUrl}${embedded ? "  (embedded)" : ""}`);
  console.log(
    spansOnly
      ? `store:        in the rides service's memory (as Redis or DynamoDB would keep it): idemscope reads no table, only the service's spans; ${o.rate} intents/s`
      : `store:        ${store.table} (${o.preset.title}), ${captureLabel(source!)}; ${o.rate} intents/s through the library's own statements`,
  );
  if (store.historyRows > 0)
    console.log(
      `history:      ${store.historyRows.toLocaleString("en-US")} rows written before connect; the collector imports them (the banner shows how far)`,
    );
  if (service)
    console.log(
      `rides API:    ${service.url}  (traced by OpenTelemetry, spans to http://127.0.0.1:${o.port}/v1/traces)`,
    );
  if (dashboard) console.log(`dashboard:    http://127.0.0.1:${o.port}/   (Ctrl-C stops the demo)`);
  const status = setInterval(() => {
    const counts = Object.entries(traffic?.stats() ?? {})
      .map(([k, v]) => `${k}: ${v}`)
      .join(", ");
    console.log(`traffic: ${counts}`);
  }, 60_000);
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    dashboard?.kill("SIGTERM");
    clearInterval(status);
    await traffic?.stop();
    await service?.stop();
    await pool.end().catch(() => undefined);
    await embedded?.stop();
    process.exit(code);
  };
  dashboard?.on("exit", (code) => {
    if (!stopping) {
      console.error(`dashboard exited (code ${code}); stopping the demo`);
      void shutdown(1);
    }
  });
  process.on("SIGINT", () => void shutdown(130));
  process.on("SIGTERM", () => void shutdown(143));
}
