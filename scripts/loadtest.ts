// `npm run loadtest`: many viewers polling every page while the demo writes heavy traffic.
// Starts the demo (production build, embedded PostgreSQL, live traffic only), then runs two
// phases with autocannon — a baseline of a few viewers, then the full crowd — each viewer
// fetching every page's JSON every 5 s. Reports errors, latency per route, the write rate the
// store saw, database checkouts per second (should not grow with viewers: shared polling) and the
// app's memory. Exits 1 on any error or non-2xx answer.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { createPool } from "../lib/db/pool";

const root = path.join(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    viewers: { type: "string", default: "100" },
    seconds: { type: "string", default: "120" },
    "baseline-viewers": { type: "string", default: "10" },
    "baseline-seconds": { type: "string", default: "30" },
    // the simulated clients bring the interesting cases (stuck keys, conflicts, reclaims) over
    // HTTP; the bulk writer brings the volume (scripts/demo/bulk-traffic.ts)
    rate: { type: "string", default: "20" },
    "bulk-rate": { type: "string", default: "1000" },
    port: { type: "string", default: "3600" },
    "data-dir": { type: "string", default: path.join(root, ".data", "loadtest", "pg") },
  },
});
const o = {
  viewers: Number(values.viewers),
  seconds: Number(values.seconds),
  baselineViewers: Number(values["baseline-viewers"]),
  baselineSeconds: Number(values["baseline-seconds"]),
  rate: Number(values.rate),
  bulkRate: Number(values["bulk-rate"]),
  port: Number(values.port),
};
for (const v of [o.viewers, o.baselineViewers])
  if (!(Number.isInteger(v / 5) && v > 0))
    throw new Error(`viewer counts must be multiples of 5 (each polls every 5 s), got ${v}`);
const base = `http://127.0.0.1:${o.port}`;
const POLL_SECONDS = 5;
/** autocannon instances per route, started at staggered offsets within the second */
const SLICES = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** What each page polls (its JSON API), as the pages' react-query hooks do. */
const ROUTES = [
  "/api/v1/overview?range=15m",
  "/api/v1/stuck",
  "/api/v1/keys/duplicates",
  "/api/v1/clients?range=24h",
  "/api/v1/trends?range=30d",
  "/api/v1/store?range=30d",
  "/api/v1/audit",
  "/api/v1/me",
];
const log = (m: string) => console.error(`[loadtest] ${m}`);

function startDemo(): Promise<{ child: ChildProcess; databaseUrl: string }> {
  const child = spawn(
    process.execPath,
    [
      "--conditions=react-server",
      "--import",
      "tsx",
      "scripts/demo.ts",
      "--prod",
      "--port",
      String(o.port),
      "--data-dir",
      values["data-dir"]!,
      "--reset",
      // no backfill: its recent hours run at --rate, hours of history at 700/s would take long
      "--history",
      "0",
      "--rate",
      String(o.rate),
      "--bulk-rate",
      String(o.bulkRate),
    ],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, DATABASE_URL: "" } },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /PostgreSQL:\s+(\S+)/.exec(out);
      if (m) resolve({ child, databaseUrl: m[1]! });
    });
    child.on("exit", (code) => reject(new Error(`the demo exited (${code}): ${out.slice(-500)}`)));
  });
}

async function waitHealthy(): Promise<void> {
  for (let i = 0; i < 240; i++) {
    const ok = await fetch(`${base}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the dashboard did not become healthy");
}

async function scrape(): Promise<{ checkouts: number; rss: number; heap: number }> {
  const text = await (await fetch(`${base}/api/metrics`)).text();
  const sum = (re: RegExp) => [...text.matchAll(re)].reduce((s, m) => s + Number(m[1]), 0);
  return {
    checkouts: sum(/^idemscope_dashboard_pool_checkouts_total\{[^}]*\} (\S+)$/gm),
    rss: sum(/^process_resident_memory_bytes (\S+)$/gm),
    heap: sum(/^nodejs_heap_size_used_bytes (\S+)$/gm),
  };
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : Number.NaN;
};

type RouteResult = {
  route: string;
  requests: number;
  bad: number;
  p50: number;
  p95: number;
  p99: number;
};
type Phase = {
  viewers: number;
  seconds: number;
  routes: RouteResult[];
  checkoutsPerSecond: number;
  writesPerSecond: number;
  rssMiB: number[];
  heapMiB: number[];
};

async function phase(
  viewers: number,
  seconds: number,
  countWrites: () => Promise<number>,
): Promise<Phase> {
  log(`${viewers} viewers × ${ROUTES.length} routes every ${POLL_SECONDS} s for ${seconds} s …`);
  const before = await scrape();
  const rss: number[] = [before.rss];
  const heap: number[] = [before.heap];
  const sampler = setInterval(
    () =>
      void scrape().then((s) => {
        rss.push(s.rss);
        heap.push(s.heap);
      }),
    10_000,
  );
  const writesBefore = await countWrites();
  const started = Date.now();
  const routes = await Promise.all(
    ROUTES.map(async (route, i) => {
      const times: number[] = [];
      let bad = 0;
      const perSecond = viewers / POLL_SECONDS;
      const slices = Math.min(SLICES, perSecond);
      // Viewers' timers are independent, so their polls arrive spread over each second; an
      // autocannon connection sends its 1 request/s at the start of its own second, so each
      // route's connections are split over instances started at staggered offsets.
      await Promise.all(
        Array.from({ length: slices }, async (_, j) => {
          const connections = Math.floor(perSecond / slices) + (j < perSecond % slices ? 1 : 0);
          await sleep(((i * slices + j) / (ROUTES.length * slices)) * 1000);
          await new Promise<void>((resolve, reject) => {
            const instance = autocannon(
              { url: base + route, connections, connectionRate: 1, duration: seconds },
              (err) => (err ? reject(err) : resolve()),
            );
            instance.on("response", (_client, status, _bytes, ms) => {
              times.push(ms);
              if (status < 200 || status >= 300) bad += 1;
            });
            instance.on("reqError", () => (bad += 1));
          });
        }),
      );
      return {
        route,
        requests: times.length,
        bad,
        p50: pct(times, 0.5),
        p95: pct(times, 0.95),
        p99: pct(times, 0.99),
      } satisfies RouteResult;
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  clearInterval(sampler);
  const after = await scrape();
  rss.push(after.rss);
  heap.push(after.heap);
  return {
    viewers,
    seconds,
    routes,
    checkoutsPerSecond: (after.checkouts - before.checkouts) / elapsed,
    writesPerSecond: ((await countWrites()) - writesBefore) / elapsed,
    rssMiB: rss.map((b) => Math.round(b / 2 ** 20)),
    heapMiB: heap.map((b) => Math.round(b / 2 ** 20)),
  };
}

/** the bench's target for every read endpoint (docs/performance.md) */
const P95_TARGET_MS = 50;
const ms = (x: number) => `${x.toFixed(1)} ms`;

function report(p: Phase): string[] {
  const total = p.routes.reduce((s, r) => s + r.requests, 0);
  const bad = p.routes.reduce((s, r) => s + r.bad, 0);
  return [
    `### ${p.viewers} viewers, ${p.seconds} s`,
    "",
    `${total.toLocaleString("en-US")} API requests (${(total / p.seconds).toFixed(1)}/s), **${bad} errors or non-2xx**; ` +
      `the store received ${Math.round(p.writesPerSecond).toLocaleString("en-US")} requests/s from the demo's clients; ` +
      `dashboard database checkouts ${p.checkoutsPerSecond.toFixed(1)}/s.`,
    "",
    `App memory every 10 s (MiB): RSS ${p.rssMiB.join(" ")}; V8 heap used ${p.heapMiB.join(" ")}.`,
    "",
    `| route | requests | p50 | p95 | p99 | p95 ≤ ${P95_TARGET_MS} ms |`,
    "| --- | ---: | ---: | ---: | ---: | --- |",
    ...p.routes.map(
      (r) =>
        `| \`${r.route}\` | ${r.requests} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${r.p95 <= P95_TARGET_MS ? "met" : "**not met**"} |`,
    ),
    "",
  ];
}

async function main() {
  log(
    `starting the demo (production build; ${o.rate} new intents/s over HTTP, ${o.bulkRate} requests/s set-based) …`,
  );
  const { child, databaseUrl } = await startDemo();
  const pool = createPool(databaseUrl, { max: 1, applicationName: "idemscope-loadtest" });
  const countWrites = async () =>
    Number(
      (
        await pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM idempotency_events
            WHERE kind IN ('claimed', 'reclaimed', 'replayed', 'conflict', 'mismatch')`,
        )
      ).rows[0]!.n,
    );
  try {
    await waitHealthy();
    log("warming up for 15 s …");
    await new Promise((r) => setTimeout(r, 15_000));
    const baseline = await phase(o.baselineViewers, o.baselineSeconds, countWrites);
    const crowd = await phase(o.viewers, o.seconds, countWrites);
    const lines = [...report(baseline), ...report(crowd)];
    console.log(lines.join("\n"));
    mkdirSync(path.join(root, "test-results"), { recursive: true });
    writeFileSync(
      path.join(root, "test-results", "loadtest.json"),
      JSON.stringify({ baseline, crowd }, null, 2),
    );
    const bad = [baseline, crowd].flatMap((p) => p.routes).reduce((s, r) => s + r.bad, 0);
    if (bad > 0) process.exitCode = 1;
  } finally {
    await pool.end();
    child.kill("SIGINT");
  }
}

main().catch((err: Error) => {
  console.error(`[loadtest] ${err.message}`);
  process.exit(1);
});
