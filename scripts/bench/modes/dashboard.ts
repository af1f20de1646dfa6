// The dashboard timed over HTTP against the naive raw SQL (the default), or with --keys-only just
// the key search, lifecycle, trends, clients, store and Overview panels; then, in full, the
// sequential scans of a dashboard tour, the collector's lag and both captures' cost.
import { refreshHotKeyTops } from "../../../lib/fold/hot-keys-top";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Pool } from "pg";
import { BUCKET_SECONDS, RANGES, RANGE_SECONDS } from "../../../lib/client/range";
import { config, parseConfig } from "../../../lib/core/config";
import { contextOf } from "../../../lib/contract/context";
import type { TableNames } from "../../../lib/contract/tables";
import { measureCaptureOverhead } from "../capture-overhead";
import { clientStoreCases, ensureSizeSamples, timeClientSnapshots } from "../clients-store-cases";
import { measureCollectorLag } from "../collector-lag";
import { fmt, log, type BenchContext } from "../context";
import { measureIndexOverhead } from "../index-overhead";
import { keyCases } from "../key-cases";
import { captureLine, logicalLine } from "../lines";
import { measureLogicalCapture } from "../logical-capture";
import { naiveOverview, naivePanels, rollupPanels } from "../naive-queries";
import type { Meta } from "../prepare-dataset";
import { startServer } from "../server";
import { timeRuns, type Timing } from "../timing";

async function seqScans(pool: Pool, t: TableNames): Promise<number> {
  const r = await pool.query<{ n: string }>(
    `SELECT coalesce(sum(seq_scan), 0) AS n FROM pg_stat_user_tables WHERE relid IN ($1::regclass, $2::regclass)`,
    [t.keys, t.events],
  );
  return Number(r.rows[0]?.n ?? 0);
}

export async function benchDashboard(
  { pool, databaseUrl, args }: BenchContext,
  t: TableNames,
  meta: Meta,
): Promise<void> {
  const keysOnly = args.values["keys-only"];
  if (!keysOnly) log("measuring the writer cost of the dashboard's indexes …");
  const overhead = keysOnly ? undefined : await measureIndexOverhead(pool);
  const stopServer = await startServer(databaseUrl, args.port);
  try {
    const base = `http://127.0.0.1:${args.port}`;
    const get = async (url: string) => {
      const r = await fetch(base + url);
      if (!r.ok) throw new Error(`${url} answered ${r.status}`);
      await r.arrayBuffer();
    };
    const cfg = config();
    await ensureSizeSamples(pool, t, { keys: cfg.keysTable, events: cfg.eventsTable }, args.days);
    log("timing the collector's client snapshots …");
    const keyRows: { name: string; ours: Timing }[] = await timeClientSnapshots(pool, t, 5);
    // the hot keys over hours and a week are read from the collector's ranking (every 15 s): made
    // here, as the bench's server runs no collector, and timed as a collector job
    const rank = () => refreshHotKeyTops(contextOf(pool, t, parseConfig({})), { all: true });
    keyRows.push({
      name: "collector: hot keys rankings (6h, 24h, 7d)",
      ours: await timeRuns(5, rank),
    });
    const trendCases = ["7d", "30d", "90d"].map((r) => ({
      name: `trends ${r}`,
      url: `/api/v1/trends?range=${r}`,
    }));
    const panelCases = [
      // (the full run times the Overview beside the naive SQL below)
      ...(keysOnly
        ? RANGES.map((r) => ({ name: `Overview ${r}`, url: `/api/v1/overview?range=${r}` }))
        : []),
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
        ours: await timeRuns(args.runs, () => get(c.url)),
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
      const ours = await timeRuns(args.runs, () => get(`/api/v1/overview?range=${range}`));
      const statements = naiveOverview(t, RANGE_SECONDS[range], BUCKET_SECONDS[range]);
      // --raw-runs 0 skips the raw side (minutes at 10 M keys) when only idemscope changed
      const raw = args.rawRuns
        ? await timeRuns(
            args.rawRuns,
            async () => {
              for (const s of statements) await pool.query(s);
            },
            1,
          )
        : undefined;
      rows.push({ name: `GET /api/v1/overview?range=${range}`, ours, raw });
    }
    rows.push({
      name: "GET /api/health",
      ours: await timeRuns(args.runs, () => get("/api/health")),
    });
    const rollup = rollupPanels(t);
    for (const [name, sql] of Object.entries(naivePanels(t))) {
      log(`timing panel "${name}" …`);
      const ours = await timeRuns(args.runs, () => pool.query(rollup[name]!));
      const raw = args.rawRuns ? await timeRuns(args.rawRuns, () => pool.query(sql), 1) : undefined;
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
      `Dataset: ${meta.keys.toLocaleString("en-US")} keys, ${meta.events.toLocaleString("en-US")} events, ${args.clients} clients, ${args.endpoints} endpoints, ${args.days} days (generated in ${meta.generateSeconds.toFixed(0)} s)`,
      "",
      "| endpoint | idemscope p50 | idemscope p95 | raw SQL p50 | raw SQL p95 | ratio (p50) |",
      "| --- | ---: | ---: | ---: | ---: | ---: |",
      ...rows.map(
        (r) =>
          `| ${r.name} | ${fmt(r.ours.p50)} | ${fmt(r.ours.p95)} | ${r.raw ? fmt(r.raw.p50) : "–"} | ${r.raw ? fmt(r.raw.p95) : "–"} | ${r.raw ? `${(r.raw.p50 / r.ours.p50).toFixed(0)}×` : "–"} |`,
      ),
      "",
      `idemscope: ${args.runs} warm runs over HTTP with the shared cache off; raw SQL: ${args.rawRuns} runs after one warm-up.`,
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
    await fs.mkdir(args.values.out, { recursive: true });
    await fs.writeFile(path.join(args.values.out, "results.md"), lines.join("\n") + "\n");
    console.log("\n" + lines.join("\n"));
  } finally {
    stopServer();
  }
}
