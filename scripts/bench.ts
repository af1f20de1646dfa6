// `npm run bench [-- --keys 1000000]`: idemscope against the naive raw SQL on a large store.
// Generates the dataset once (kept in .data/bench; --regenerate to redo), folds it with the
// collector (throughput), measures the writer cost of the dashboard's indexes, then times every
// /api/v1 read endpoint over HTTP (warm, no shared cache) against the equivalent raw queries and
// counts sequential scans of the contract tables during a dashboard tour.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Pool } from "pg";
import { config } from "../lib/core/config";
import { contextOf } from "../lib/contract/context";
import { startEmbeddedPostgres } from "./support/embedded-postgres";
import { migrate } from "../lib/contract/migrate";
import { createPool } from "../lib/db/pool";
import { collectBatch } from "../lib/fold/collect-batch";
import { applyRetention } from "../lib/fold/retention";
import { contractStatements } from "../lib/contract/schema/contract";
import { FOLDED_TABLES } from "../lib/contract/schema/rollups";
import { searchIndexStatements } from "../lib/contract/schema/search";
import { tableNames, tableNamesFor, type TableNames } from "../lib/contract/tables";
import { handleIdempotent } from "../lib/ingest/writer/idempotent-handler";
import { requestFingerprint } from "../lib/ingest/writer/fingerprint";
import { generateDataset } from "./bench/dataset";
import { ensureNextBuild } from "./support/next-build";
import { naiveOverview, naivePanels, rollupPanels } from "./bench/naive-queries";
import { timeRuns, type Timing } from "./bench/timing";
import { measureCollectorLag } from "./bench/collector-lag";
import { measureCaptureOverhead, type CaptureOverhead } from "./bench/capture-overhead";
import { measureLogicalCapture, type LogicalCaptureResult } from "./bench/logical-capture";
import { footprintLines, measureFootprint } from "./bench/footprint";
import { measureConnectFold, type ConnectFold } from "./bench/connect-fold";
import { keyCases } from "./bench/key-cases";
import {
  clientStoreCases,
  ensureSizeSamples,
  timeClientSnapshots,
} from "./bench/clients-store-cases";
import { BUCKET_SECONDS, RANGES, RANGE_SECONDS } from "../lib/client/range";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    keys: { type: "string", default: "10000000" },
    clients: { type: "string", default: "5000" },
    endpoints: { type: "string", default: "8" },
    days: { type: "string", default: "30" },
    runs: { type: "string", default: "30" },
    "raw-runs": { type: "string", default: "3" },
    port: { type: "string", default: "3300" },
    "data-dir": { type: "string", default: path.join(root, ".data", "bench") },
    regenerate: { type: "boolean", default: false },
    // only the key search, lifecycle and trends timings (the rest takes minutes at 10 M keys)
    "keys-only": { type: "boolean", default: false },
    // only what trigger capture costs the service's writes (no dataset needed)
    "capture-only": { type: "boolean", default: false },
    // only logical capture at 2,000 writes/s: event lag and the service's latency (no dataset)
    "logical-only": { type: "boolean", default: false },
    // only the collector: fold the whole dataset again from nothing, then idemscope's footprint
    "fold-only": { type: "boolean", default: false },
    // with --fold-only: the collector's history rate limit (events/s), and a time limit (s) after
    // which the fold stops part-way (for the writer's latency under a limit; no footprint then)
    "fold-limit": { type: "string" },
    "fold-seconds": { type: "string" },
    // with --fold-only, a diagnostic: the collector's backends at nice 19 (a local server only)
    "fold-nice": { type: "boolean", default: false },
    // with --fold-only: the reference writer's requests/s during the fold (0: an idle store)
    "fold-writer-rate": { type: "string", default: "200" },
    // only the live fold: lag at about 20,000 events/s on a scratch store (no dataset)
    "live-only": { type: "boolean", default: false },
    out: { type: "string", default: path.join(root, "test-results", "bench") },
  },
});
const o = {
  keys: Number(values.keys),
  clients: Number(values.clients),
  endpoints: Number(values.endpoints),
  days: Number(values.days),
  runs: Number(values.runs),
  rawRuns: Number(values["raw-runs"]),
  port: Number(values.port),
};
const log = (m: string) => console.log(m);
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

type Meta = {
  keys: number;
  events: number;
  generateSeconds: number;
  collectSeconds: number;
  eventsPerSecond: number;
};

async function prepareDataset(
  pool: Pool,
  t: TableNames,
  metaFile: string,
  // --fold-only refolds from nothing anyway: folding the fresh dataset first would be wasted
  fold = true,
): Promise<Meta> {
  if (!values.regenerate && existsSync(metaFile)) {
    const meta = JSON.parse(await fs.readFile(metaFile, "utf8")) as Meta;
    if (meta.keys === o.keys) {
      log(
        `reusing the dataset in ${values["data-dir"]} (${meta.keys.toLocaleString("en-US")} keys; --regenerate to redo)`,
      );
      return meta;
    }
  }
  const cfg = config();
  await pool.query(`TRUNCATE ${t.keys}, ${t.events} RESTART IDENTITY`);
  for (const table of FOLDED_TABLES) {
    await pool.query(`TRUNCATE ${t.ownTable(table)}`);
  }
  await pool.query(
    `UPDATE ${t.ownTable("collector_state")} SET watermark = 0, events_total = 0, batches_total = 0`,
  );
  log(
    `generating ${o.keys.toLocaleString("en-US")} keys, ${o.clients} clients, ${o.endpoints} endpoints, ${o.days} days …`,
  );
  const names = { keys: cfg.keysTable, events: cfg.eventsTable };
  const indexStatements = [
    ...contractStatements(t, names).filter((s) => s.startsWith("CREATE INDEX")),
    ...searchIndexStatements(t, names),
  ];
  const g0 = performance.now();
  const { events } = await generateDataset(pool, t, o, indexStatements, log);
  const generateSeconds = (performance.now() - g0) / 1000;
  log(
    `  ${events.toLocaleString("en-US")} events in ${generateSeconds.toFixed(0)} s; folding them into the rollups …`,
  );
  const c0 = performance.now();
  let folded = 0;
  for (; fold;) {
    const r = await collectBatch(contextOf(pool, t, config()), { batchSize: 100_000 });
    folded += r.events;
    if (folded % 2_000_000 < 100_000) log(`  collected ${folded.toLocaleString("en-US")}`);
    if (r.caughtUp) break;
  }
  const collectSeconds = (performance.now() - c0) / 1000;
  const meta: Meta = {
    keys: o.keys,
    events,
    generateSeconds,
    collectSeconds,
    eventsPerSecond: folded / collectSeconds,
  };
  if (fold) await fs.writeFile(metaFile, JSON.stringify(meta));
  return meta;
}

function connectLine(c: ConnectFold): string {
  const s = (v: number | null) => (v === null ? "–" : `${v.toFixed(0)} s`);
  const writer =
    c.writer.rate > 0
      ? `while the reference writer serves ${c.writer.rate} requests/s`
      : "on an idle store (no writer)";
  return `Connecting (history folded newest first by the collector ${writer}${c.limited ? `, rate-limited for about ${c.limited.seconds.toFixed(0)} s of it: ${c.limited.reason}` : ", no rate limit"}): last hour complete after ${s(c.lastHourSeconds)}, last day after ${s(c.lastDaySeconds)}, all ${c.events.toLocaleString("en-US")} events after ${s(c.allSeconds)} = ${Math.round(c.eventsPerSecond).toLocaleString("en-US")} events/s; writer before p50 ${fmt(c.writer.before.p50)} / p95 ${fmt(c.writer.before.p95)}, during p50 ${fmt(c.writer.during.p50)} / p95 ${fmt(c.writer.during.p95)} (a SELECT 1 p95 ${fmt(c.select1.before.p95)} → ${fmt(c.select1.during.p95)}); its events folded live after p50 ${fmt(c.liveLag.p50)} / p95 ${fmt(c.liveLag.p95)} while the history folded${c.rebuildSeconds === null ? "" : `; the indexes it filled rebuilt ${c.rebuildSeconds.toFixed(0)} s later`}; WAL ${Math.round(c.wal.bytesPerEvent)} B an event (${c.wal.fullPagesPerThousandEvents.toFixed(1)} full-page images a thousand events, WAL buffers full ${c.wal.buffersFull} times); measured after ${c.quietSeconds.toFixed(0)} s waiting for a quiet store`;
}

/** Writer latency with and without the dashboard's secondary indexes, on fresh tables. */
async function measureIndexOverhead(pool: Pool): Promise<{ with: Timing; without: Timing }> {
  const results: Record<string, Timing> = {};
  for (const variant of ["with", "without"] as const) {
    const schema = `bench_writer_${variant}`;
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
    const t = tableNamesFor({
      storeSchema: schema,
      keysTable: "keys",
      eventsTable: "events",
      idemscopeSchema: schema,
    });
    const names = { keys: "keys", events: "events" };
    for (const s of [...contractStatements(t, names), ...searchIndexStatements(t, names)]) {
      if (variant === "without" && s.startsWith("CREATE INDEX")) continue;
      await pool.query(s);
    }
    let n = 0;
    results[variant] = await timeRuns(
      3000,
      async () => {
        n += 1;
        const key = n % 5 === 0 ? `k-${n - 1}` : `k-${n}`; // one request in five is a retry
        const endpoint = "POST /v1/payments";
        await handleIdempotent(
          pool,
          t,
          {
            scope: `c-${n % 100}`,
            endpoint,
            key,
            requestHash: requestFingerprint("POST", endpoint, { key }),
            instance: "bench",
          },
          { lockTimeoutSeconds: 300, ttlSeconds: 86_400 },
          async () => ({ status: 201, body: { ok: true } }),
        );
      },
      50,
    );
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
  }
  return { with: results.with!, without: results.without! };
}

async function startServer(databaseUrl: string): Promise<() => void> {
  await ensureNextBuild(root, log);
  const child = spawn(
    process.execPath,
    [
      path.join(root, "node_modules/next/dist/bin/next"),
      "start",
      "--port",
      String(o.port),
      "--hostname",
      "127.0.0.1",
    ],
    {
      cwd: root,
      stdio: "ignore",
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        IDEMSCOPE_CACHE_TTL_MS: "0",
        IDEMSCOPE_COLLECTOR: "off",
        NEXT_TELEMETRY_DISABLED: "1",
      },
    },
  );
  for (let i = 0; i < 120; i++) {
    const ok = await fetch(`http://127.0.0.1:${o.port}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return () => child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill("SIGTERM");
  throw new Error("the app did not start");
}

async function seqScans(pool: Pool, t: TableNames): Promise<number> {
  const r = await pool.query<{ n: string }>(
    `SELECT coalesce(sum(seq_scan), 0) AS n FROM pg_stat_user_tables WHERE relid IN ($1::regclass, $2::regclass)`,
    [t.keys, t.events],
  );
  return Number(r.rows[0]?.n ?? 0);
}

function captureLine(c: CaptureOverhead): string {
  const slower = (on: number, off: number) => `${(((on - off) / off) * 100).toFixed(1)} %`;
  return `Trigger capture (stripe-style, rocket-rides' request: 4 writing transactions; ${c.requests.toLocaleString("en-US")} requests per side, both sides at once, ${c.concurrency / 2} workers each): without p50 ${fmt(c.off.p50)} / p95 ${fmt(c.off.p95)}; with p50 ${fmt(c.on.p50)} / p95 ${fmt(c.on.p95)} (p50 ${slower(c.on.p50, c.off.p50)}, p95 ${slower(c.on.p95, c.off.p95)}); ${c.capturedChanges.toLocaleString("en-US")} row changes captured; timed: completed requests only (refused by SERIALIZABLE: ${c.refused.off} without, ${c.refused.on} with)`;
}

function logicalLine(c: LogicalCaptureResult): string {
  const slower = (a: number, b: number) =>
    `${a >= b ? "+" : ""}${(((a - b) / b) * 100).toFixed(1)} %`;
  const how =
    c.pattern === "lean"
      ? "claim INSERT + completion UPDATE, autocommit"
      : "rocket-rides' request, 4 SERIALIZABLE transactions";
  return `Logical capture (stripe-style through a slot; ${how}; target ${c.targetWritesPerSecond.toLocaleString("en-US")} writes/s; achieved ${c.achievedWritesPerSecond.off.toLocaleString("en-US")} without, ${c.achievedWritesPerSecond.on.toLocaleString("en-US")} with): event lag p50 ${c.lag.p50.toFixed(2)} s / p95 ${c.lag.p95.toFixed(2)} s / max ${c.lag.max.toFixed(2)} s (${c.lag.samples} samples); service latency without p50 ${fmt(c.off.p50)} / p95 ${fmt(c.off.p95)}, with p50 ${fmt(c.on.p50)} / p95 ${fmt(c.on.p95)} (p50 ${slower(c.on.p50, c.off.p50)}, p95 ${slower(c.on.p95, c.off.p95)}); ${c.capturedEvents.toLocaleString("en-US")} events captured; WAL per write ${c.walBytesPerWrite.off} B without, ${c.walBytesPerWrite.on} B with (REPLICA IDENTITY FULL and idemscope's own writes); cores used while captured: ${Object.entries(
    c.cpu,
  )
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(", ")}`;
}

async function main() {
  const pg = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({
        dataDir: values["data-dir"],
        postgresFlags: [
          "-c",
          "shared_buffers=2GB",
          "-c",
          "work_mem=64MB",
          "-c",
          "max_wal_size=8GB",
          "-c",
          "maintenance_work_mem=1GB",
        ],
      });
  const databaseUrl = process.env.DATABASE_URL ?? pg!.url;
  const pool = createPool(databaseUrl, { max: 8, applicationName: "idemscope-bench" });
  let stopServer: (() => void) | undefined;
  try {
    if (values["logical-only"]) {
      log("measuring logical capture at 2,000 writes/s (lean writes, then rocket-rides') …");
      console.log("\n" + logicalLine(await measureLogicalCapture(pool, databaseUrl)));
      const rides = await measureLogicalCapture(pool, databaseUrl, {
        pattern: "rocket-rides",
        writesPerSecond: 1200,
      });
      console.log("\n" + logicalLine(rides));
      return;
    }
    if (values["live-only"]) {
      log("collector lag at 12,000 requests/s (about 20,000 events/s) for 60 s …");
      const lag = await measureCollectorLag(pool, databaseUrl, 12_000, 60);
      console.log(
        `\nCollector lag at ${Math.round(lag.requestsPerSecond).toLocaleString("en-US")} requests/s (${Math.round(lag.eventsPerSecond).toLocaleString("en-US")} events/s) for 60 s: p50 ${lag.p50.toFixed(1)} s, p95 ${lag.p95.toFixed(1)} s, max ${lag.max.toFixed(1)} s`,
      );
      return;
    }
    if (values["capture-only"]) {
      log("measuring what trigger capture costs the service's writes …");
      console.log("\n" + captureLine(await measureCaptureOverhead(pool)));
      return;
    }
    await migrate({ databaseUrl, includeStore: true });
    const t = tableNames();
    const metaFile = path.join(
      values["data-dir"],
      "..",
      `bench-meta-${path.basename(values["data-dir"])}.json`,
    );
    const meta = await prepareDataset(pool, t, metaFile, !values["fold-only"]);
    if (values["fold-only"]) {
      log("connecting to the store: the collector folds its history newest first …");
      const limit = values["fold-limit"] === undefined ? undefined : Number(values["fold-limit"]);
      const seconds =
        values["fold-seconds"] === undefined ? undefined : Number(values["fold-seconds"]);
      const connect = await measureConnectFold(pool, databaseUrl, t, {
        log,
        maxEventsPerSecond: limit,
        seconds,
        niceCollector: values["fold-nice"],
        writerRate: Number(values["fold-writer-rate"]),
      });
      if (seconds !== undefined) {
        // the dataset stays: the next --fold-only refolds it from nothing instead of generating it
        await fs.writeFile(metaFile, JSON.stringify(meta));
        console.log(
          `\n${connectLine(connect)} (stopped after ${seconds} s${limit ? `, history limited to ${limit.toLocaleString("en-US")} events/s` : ""}${values["fold-nice"] ? ", the collector's backends at nice 19" : ""}; the dataset is left part-folded: --fold-only again before --keys-only)`,
        );
        return;
      }
      // the dataset is folded now: a later full bench may reuse it
      await fs.writeFile(
        metaFile,
        JSON.stringify({
          ...meta,
          collectSeconds: connect.allSeconds,
          eventsPerSecond: connect.eventsPerSecond,
        }),
      );
      await applyRetention(contextOf(pool, t, config()), config().retentionDays);
      console.log(
        ["", connectLine(connect), ...footprintLines(await measureFootprint(pool, t))].join("\n"),
      );
      return;
    }
    const keysOnly = values["keys-only"];
    if (!keysOnly) log("measuring the writer cost of the dashboard's indexes …");
    const overhead = keysOnly ? undefined : await measureIndexOverhead(pool);
    stopServer = await startServer(databaseUrl);
    const base = `http://127.0.0.1:${o.port}`;
    const get = async (url: string) => {
      const r = await fetch(base + url);
      if (!r.ok) throw new Error(`${url} answered ${r.status}`);
      await r.arrayBuffer();
    };
    const cfg = config();
    await ensureSizeSamples(pool, t, { keys: cfg.keysTable, events: cfg.eventsTable }, o.days);
    log("timing the collector's client snapshots …");
    const keyRows: { name: string; ours: Timing }[] = await timeClientSnapshots(pool, t, 5);
    const trendCases = ["7d", "30d", "90d"].map((r) => ({
      name: `trends ${r}`,
      url: `/api/v1/trends?range=${r}`,
    }));
    const panelCases = [
      { name: "recent errors (all)", url: "/api/v1/overview/errors?kind=all&limit=25" },
      { name: "recent errors (reclaims)", url: "/api/v1/overview/errors?kind=reclaimed&limit=25" },
      ...["1h", "24h", "7d"].map((r) => ({
        name: `hot keys ${r}`,
        url: `/api/v1/overview/hot-keys?range=${r}&limit=10`,
      })),
      { name: "annotations (90 days)", url: "/api/v1/annotations" },
      { name: "duplicate successes, open", url: "/api/v1/duplicates?status=open&limit=200" },
      { name: "duplicate successes, all", url: "/api/v1/duplicates?status=all&limit=500" },
    ];
    for (const c of [
      ...(await keyCases(pool, t, meta.keys)),
      ...trendCases,
      ...clientStoreCases(),
      ...panelCases,
    ]) {
      log(`timing ${c.name} …`);
      keyRows.push({
        name: `${c.name}: GET ${c.url.split("?")[0]}`,
        ours: await timeRuns(o.runs, () => get(c.url)),
      });
    }
    const keyLines = [
      "| key search, lifecycle, trends, clients, store, Overview panels | p50 | p95 |",
      "| --- | ---: | ---: |",
      ...keyRows.map((r) => `| ${r.name} | ${fmt(r.ours.p50)} | ${fmt(r.ours.p95)} |`),
    ];
    if (keysOnly || !overhead) {
      console.log("\n" + keyLines.join("\n"));
      return;
    }

    log("dashboard tour (sequential scans of the contract tables) …");
    const tour = [
      "/",
      ...RANGES.map((r) => `/?range=${r}`),
      ...RANGES.map((r) => `/api/v1/overview?range=${r}`),
      ...RANGES.map((r) => `/api/v1/overview/hot-keys?range=${r}`),
      "/api/v1/overview/errors",
      "/api/health",
    ];
    const before = await seqScans(pool, t);
    for (const url of tour) await get(url);
    await new Promise((r) => setTimeout(r, 1500)); // statistics are flushed asynchronously
    const seqScanDelta = (await seqScans(pool, t)) - before;

    const rows: { name: string; ours: Timing; raw?: Timing }[] = [];
    for (const range of RANGES) {
      log(`timing /api/v1/overview?range=${range} …`);
      const ours = await timeRuns(o.runs, () => get(`/api/v1/overview?range=${range}`));
      const statements = naiveOverview(t, RANGE_SECONDS[range], BUCKET_SECONDS[range]);
      // --raw-runs 0 skips the raw side (minutes at 10 M keys) when only idemscope changed
      const raw = o.rawRuns
        ? await timeRuns(
            o.rawRuns,
            async () => {
              for (const s of statements) await pool.query(s);
            },
            1,
          )
        : undefined;
      rows.push({ name: `GET /api/v1/overview?range=${range}`, ours, raw });
    }
    rows.push({ name: "GET /api/health", ours: await timeRuns(o.runs, () => get("/api/health")) });
    const rollup = rollupPanels(t);
    for (const [name, sql] of Object.entries(naivePanels(t))) {
      log(`timing panel "${name}" …`);
      const ours = await timeRuns(o.runs, () => pool.query(rollup[name]!));
      const raw = o.rawRuns ? await timeRuns(o.rawRuns, () => pool.query(sql), 1) : undefined;
      rows.push({ name: `${name} (SQL)`, ours, raw });
    }

    log("collector lag at 2,000 requests/s for 60 s …");
    const lag = await measureCollectorLag(pool, databaseUrl, 2000, 60);
    log("trigger capture: the service's writes with and without it …");
    const capture = await measureCaptureOverhead(pool);
    log("logical capture at 2,000 writes/s …");
    const logical = await measureLogicalCapture(pool, databaseUrl);

    const lines = [
      `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
      `Dataset: ${meta.keys.toLocaleString("en-US")} keys, ${meta.events.toLocaleString("en-US")} events, ${o.clients} clients, ${o.endpoints} endpoints, ${o.days} days (generated in ${meta.generateSeconds.toFixed(0)} s)`,
      "",
      "| endpoint | idemscope p50 | idemscope p95 | raw SQL p50 | raw SQL p95 | ratio (p50) |",
      "| --- | ---: | ---: | ---: | ---: | ---: |",
      ...rows.map(
        (r) =>
          `| ${r.name} | ${fmt(r.ours.p50)} | ${fmt(r.ours.p95)} | ${r.raw ? fmt(r.raw.p50) : "–"} | ${r.raw ? fmt(r.raw.p95) : "–"} | ${r.raw ? `${(r.raw.p50 / r.ours.p50).toFixed(0)}×` : "–"} |`,
      ),
      "",
      `idemscope: ${o.runs} warm runs over HTTP with the shared cache off; raw SQL: ${o.rawRuns} runs after one warm-up.`,
      `Sequential scans of the contract tables during a dashboard tour (${tour.length} requests): ${seqScanDelta}`,
      `Collector throughput: ${Math.round(meta.eventsPerSecond).toLocaleString("en-US")} events/s (${meta.events.toLocaleString("en-US")} events folded in ${meta.collectSeconds.toFixed(0)} s)`,
      `Collector lag at ${Math.round(lag.requestsPerSecond).toLocaleString("en-US")} requests/s (${Math.round(lag.eventsPerSecond).toLocaleString("en-US")} events/s) for 60 s: p50 ${lag.p50.toFixed(1)} s, p95 ${lag.p95.toFixed(1)} s, max ${lag.max.toFixed(1)} s`,
      "",
      ...keyLines,
      "",
      `Writer latency per request (3,000 requests, 1 in 5 a retry): with the dashboard's indexes p50 ${fmt(overhead.with.p50)} / p95 ${fmt(overhead.with.p95)}; without p50 ${fmt(overhead.without.p50)} / p95 ${fmt(overhead.without.p95)}`,
      captureLine(capture),
      logicalLine(logical),
    ];
    await fs.mkdir(values.out, { recursive: true });
    await fs.writeFile(path.join(values.out, "results.md"), lines.join("\n") + "\n");
    console.log("\n" + lines.join("\n"));
  } finally {
    stopServer?.();
    await pool.end();
    await pg?.stop();
  }
}

main().catch((err: Error) => {
  console.error(`bench: ${err.message}`);
  process.exit(1);
});
