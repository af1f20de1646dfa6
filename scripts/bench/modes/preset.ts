// `npm run bench -- --preset NAME [--keys 10000000]`: a library's own table at production size,
// with the history it holds before idemscope connects (scripts/support/preset-rows.ts), connected
// with trigger capture as `npm run connect -- --apply` does (the fill reads it once), a little
// traffic through the library's own statements, then every route timed over HTTP (warm, shared
// cache off) with the sequential scans of the library's table each one causes.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { escapeIdentifier } from "pg";
import { config } from "../../../lib/core/config";
import { TRIGGERS } from "../../../lib/contract/capture-modes";
import { writeContextOf } from "../../../lib/contract/context";
import { migrate } from "../../../lib/contract/migrate";
import { BUILT_IN_PRESETS } from "../../../lib/contract/presets";
import { tableNamesFor } from "../../../lib/contract/tables";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { applyConnect, planConnect, uninstallSource } from "../../../lib/ingest/sources/connect";
import { createSearchIndexes } from "../../../lib/ingest/sources/search-indexes";
import { libraryClient } from "../../demo/library-traffic";
import { fmt, log, type BenchContext } from "../context";
import { historyFolder } from "../../../lib/fold/history-folder";
import { rebuildDue, rebuildHistoryIndexes } from "../../../lib/fold/compact-indexes";
import { readImportProgress } from "../../../lib/ingest/sources/history-import";
import { ROW_SHAPES } from "../../support/preset-rows";
import { startServer } from "../server";
import { timeRuns, type Timing } from "../timing";

const SERVICE_SCHEMA = "service";
/** how long an idle backend may keep its counters before reporting them (PGSTAT_IDLE_INTERVAL) */
const STATS_SETTLE_MS = 10_500;

type Route = { name: string; url: string; polled: boolean };

export async function benchPreset({ pool, databaseUrl, args }: BenchContext): Promise<void> {
  const name = args.values.preset!;
  const preset = BUILT_IN_PRESETS.get(name);
  const shape = ROW_SHAPES[name];
  if (!preset || !shape) throw new Error(`no built-in preset ${name}`);
  const cfg = config();
  await migrate({ databaseUrl, includeStore: false });
  const own = {
    own: escapeIdentifier(cfg.idemscopeSchema),
    ownTable: (n: string) => `${escapeIdentifier(cfg.idemscopeSchema)}.${escapeIdentifier(n)}`,
    schema: cfg.idemscopeSchema,
  };
  await uninstallSource(pool, own).catch(() => undefined);
  const table = { schema: SERVICE_SCHEMA, name: preset.table.name };
  const quoted = `${escapeIdentifier(table.schema)}.${escapeIdentifier(table.name)}`;

  // the library's table, its rows written before idemscope exists
  const ddl = await fs.readFile(
    path.join(import.meta.dirname, "../../../tests/fixtures/stores", `${name}.sql`),
    "utf8",
  );
  await pool.query(`DROP SCHEMA IF EXISTS ${SERVICE_SCHEMA} CASCADE`);
  await pool.query(`CREATE SCHEMA ${SERVICE_SCHEMA}`);
  await pool.query(ddl.replaceAll("{{schema}}", SERVICE_SCHEMA));
  const rows = args.keys;
  const days = shape.days(args.days);
  const generated = performance.now();
  const chunk = 1_000_000;
  for (let from = 1; from <= rows; from += chunk) {
    await pool.query(shape.insert(quoted, args.clients, days), [
      from,
      Math.min(rows, from + chunk - 1),
      rows,
    ]);
    log(`${name}: ${Math.min(rows, from + chunk - 1).toLocaleString("en-US")} rows …`);
  }
  await pool.query(`VACUUM ANALYZE ${quoted}`);
  const generateSeconds = (performance.now() - generated) / 1000;

  // connect: capture installed, then the table read once into the kept state
  const connected = performance.now();
  const plan = await planConnect(pool, preset, table, own, { capture: TRIGGERS, spans: false });
  if (plan.problems.length > 0) throw new Error(plan.problems.join("\n"));
  const outcome = await applyConnect(pool, plan, own);
  const connectSeconds = (performance.now() - connected) / 1000;
  log(`${name}: ${outcome.message} (${connectSeconds.toFixed(1)} s)`);

  // a little of the library's own traffic, captured and folded: stuck keys, failures, retries
  const t = tableNamesFor(cfg, plan.binding);
  const client = libraryClient(
    pool,
    preset,
    quoted,
    escapeIdentifier(SERVICE_SCHEMA),
    own.ownTable("operator_marks"),
  );
  for (let i = 0; i < 300; i++) {
    const intent = { client: 1 + (i % 25), key: `bench-${i}`, amount: 100 + i };
    await client.request(intent, { crash: i % 50 === 0 });
    if (i % 10 === 0) await client.request(intent, {}); // a retry
  }
  const ctx = writeContextOf(pool, t, cfg);
  for (let i = 0; i < 20; i++) if ((await collectBatch(ctx)).caughtUp) break;
  // the rows the table held before connect, imported as the collector does it (its batches, its
  // limits: none on an idle store, once the statistics no longer show the traffic above)
  await new Promise((r) => setTimeout(r, STATS_SETTLE_MS + 10_000));
  const importStart = performance.now();
  const folder = historyFolder(pool, cfg);
  for (let step = "more"; step !== "done";) {
    step = await folder.fold(ctx, cfg.collectorLimits.historyBatchMs);
    const wait = folder.readyAt() - Date.now();
    if (step === "wait") await new Promise((r) => setTimeout(r, Math.max(50, wait)));
  }
  const importSeconds = (performance.now() - importStart) / 1000;
  const progress = await readImportProgress(ctx);
  log(`${name}: imported ${progress?.done ?? 0} rows in ${importSeconds.toFixed(1)} s`);
  // the indexes the import filled from below, rebuilt as the collector does once it ends (here,
  // before the server starts: its collector would otherwise rebuild them while routes are timed)
  const rebuildStart = performance.now();
  const rebuilt = (await rebuildDue(pool, t)) ? await rebuildHistoryIndexes(pool, t, cfg) : [];
  const rebuildSeconds = (performance.now() - rebuildStart) / 1000;
  if (!Array.isArray(rebuilt)) throw new Error(`index rebuild after the import: ${rebuilt}`);
  await pool.query(`ANALYZE ${quoted}`);
  // --search-indexes: the key search indexes connect offers, created as it does (CONCURRENTLY)
  const indexes = args.values["search-indexes"]
    ? await createSearchIndexes(pool, plan.binding)
    : [];
  for (const x of indexes)
    log(x.error ? `${x.name}: not created (${x.error})` : `${x.name}: ${x.seconds.toFixed(1)} s`);

  // idemscope's storage, before the server starts (its collector would fold while it is measured)
  const footprint = await pool.query<{ own: string; store: string }>(
    `SELECT (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = $1 AND c.relkind IN ('r', 'm'))::bigint AS own,
            pg_total_relation_size($2::regclass)::bigint AS store`,
    [cfg.idemscopeSchema, quoted],
  );
  const largest = await pool.query<{ name: string; bytes: string }>(
    `SELECT c.relname AS name, pg_total_relation_size(c.oid)::text AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')
      ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 6`,
    [cfg.idemscopeSchema],
  );
  const ownBytes = Number(footprint.rows[0]!.own);
  const storeBytes = Number(footprint.rows[0]!.store);
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const summary = [
    `Preset ${name}: ${rows.toLocaleString("en-US")} rows over ${days} days (generated in ${generateSeconds.toFixed(0)} s), trigger capture, ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${new Date().toISOString().slice(0, 10)}`,
    `Connect (install, then the table read once into the kept state): ${connectSeconds.toFixed(1)} s = ${Math.round(rows / connectSeconds).toLocaleString("en-US")} rows/s; ${outcome.message}`,
    `Import of the rows held before connect (read by block range, folded into the rollups): ${(progress?.done ?? 0).toLocaleString("en-US")} rows in ${importSeconds.toFixed(1)} s = ${Math.round((progress?.done ?? 0) / importSeconds).toLocaleString("en-US")} rows/s`,
    `Indexes the import filled, rebuilt in ${rebuildSeconds.toFixed(1)} s: ${rebuilt.map((r) => `${r.index} ${mib(r.bytesBefore)} → ${mib(r.bytesAfter)}`).join(", ")}`,
    `Footprint: idemscope's schema ${mib(ownBytes)} = ${((100 * ownBytes) / storeBytes).toFixed(1)} % of the library's table (${mib(storeBytes)}); largest: ${largest.rows.map((r) => `${r.name} ${mib(Number(r.bytes))}`).join(", ")}`,
    ...indexes.map((x) =>
      x.error
        ? `Search index ${x.name}: not created (${x.error})`
        : `Search index ${x.name}: created in ${x.seconds.toFixed(1)} s, ${mib(x.bytes ?? 0)}`,
    ),
  ];
  // --import-only: what the import costs, without a server and the routes' timings
  if (args.values["import-only"]) {
    console.log("\n" + summary.join("\n"));
    return;
  }
  const routes = await presetRoutes(pool, t.keys, rows);
  const stop = await startServer(databaseUrl, args.port);
  try {
    const base = `http://127.0.0.1:${args.port}`;
    const get = async (url: string) => {
      const r = await fetch(base + url);
      await r.arrayBuffer();
      return r.status;
    };
    const scans = async () => {
      const r = await pool.query<{ n: string }>(
        `SELECT seq_scan AS n FROM pg_stat_user_tables WHERE relid = $1::regclass`,
        [quoted],
      );
      return Number(r.rows[0]?.n ?? 0);
    };
    const settle = () => new Promise((r) => setTimeout(r, STATS_SETTLE_MS));
    // sequential scans: the polled routes together (each once), then each on-demand one alone
    await settle();
    let before = await scans();
    for (const r of routes.filter((x) => x.polled)) await get(r.url);
    await settle();
    const polledScans = (await scans()) - before;
    const scansOf = new Map<Route, number>();
    for (const route of routes.filter((x) => !x.polled)) {
      log(`sequential scans of ${route.name} …`);
      before = await scans();
      await get(route.url);
      await settle();
      scansOf.set(route, (await scans()) - before);
    }
    const results: { route: Route; timing: Timing; status: number; scans: number | null }[] = [];
    for (const route of routes) {
      log(`timing ${route.name} …`);
      const start = performance.now();
      const status = await get(route.url);
      // a route that takes seconds (a search no index serves) is timed 3 times, not 20
      const slow = performance.now() - start > 1000;
      const timing = await timeRuns(slow ? 3 : args.runs, () => get(route.url), slow ? 0 : 2);
      results.push({ route, timing, status, scans: scansOf.get(route) ?? null });
    }

    const lines = [
      ...summary,
      `Sequential scans of the library's table over the ${routes.filter((r) => r.polled).length} polled routes (each once): ${polledScans}`,
      "",
      "| route | status | p50 | p95 | runs | seq scans |",
      "| --- | ---: | ---: | ---: | ---: | ---: |",
      ...results.map(
        (r) =>
          `| ${r.route.name}: GET ${r.route.url.split("?")[0]} | ${r.status} | ${fmt(r.timing.p50)} | ${fmt(r.timing.p95)} | ${r.timing.runs} | ${r.scans ?? "polled"} |`,
      ),
    ];
    await fs.mkdir(args.values.out, { recursive: true });
    await fs.writeFile(path.join(args.values.out, `preset-${name}.md`), lines.join("\n") + "\n");
    console.log("\n" + lines.join("\n"));
  } finally {
    stop();
  }
}

/** Every route a dashboard polls, and the key search and key page, on a row of the dataset. */
async function presetRoutes(
  pool: BenchContext["pool"],
  keys: string,
  rows: number,
): Promise<Route[]> {
  const sample = await pool.query<{ id: string; scope: string; endpoint: string; key: string }>(
    `SELECT id::text, scope, endpoint, key FROM ${keys} OFFSET $1 LIMIT 1`,
    [Math.floor(rows / 2)],
  );
  const row = sample.rows[0];
  if (!row) throw new Error("the dataset has no rows");
  const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
  const polled = (name: string, url: string): Route => ({ name, url, polled: true });
  const onDemand = (name: string, url: string): Route => ({ name, url, polled: false });
  return [
    ...["15m", "1h", "24h", "7d", "30d"].map((r) =>
      polled(`Overview ${r}`, `/api/v1/overview?${q({ range: r })}`),
    ),
    polled("hot keys 24h", "/api/v1/overview/hot-keys?range=24h&limit=10"),
    polled("recent errors", "/api/v1/overview/errors?kind=all&limit=25"),
    polled("stuck keys", "/api/v1/stuck"),
    polled("stuck keys, one endpoint", `/api/v1/stuck?${q({ endpoint: row.endpoint })}`),
    polled("stuck keys, newest first", "/api/v1/stuck?order=newest"),
    polled("store 30d", "/api/v1/store?range=30d"),
    polled("trends 30d", "/api/v1/trends?range=30d"),
    polled("clients 24h", "/api/v1/clients?range=24h"),
    polled("Prometheus scrape", "/api/metrics"),
    polled("Overview page", "/"),
    polled("Stuck keys page", "/stuck"),
    polled("Store page", "/store"),
    onDemand("key page by id", `/api/v1/keys/${row.id}`),
    onDemand(
      "key page by (client, endpoint, key)",
      `/api/v1/keys/lookup?${q({ scope: row.scope, endpoint: row.endpoint, key: row.key })}`,
    ),
    onDemand("key search: exact key", `/api/v1/keys?${q({ key: row.key })}`),
    onDemand("key search: prefix", `/api/v1/keys?${q({ prefix: row.key.slice(0, 6) })}`),
    onDemand("key search: one client", `/api/v1/keys?${q({ scope: row.scope })}`),
    onDemand(
      "key search: failed, last hour",
      `/api/v1/keys?${q({ status: "failed", from: hourAgo })}`,
    ),
    onDemand("key search: last day", `/api/v1/keys?${q({ from: dayAgo })}`),
  ];
}
