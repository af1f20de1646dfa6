// The platform team's story: one scrape job and the shipped rules, no PromQL of their own.
// Debian's Prometheus scrapes the running demo on loopback; the series, the alert rules and every
// Grafana panel's query are then checked through Prometheus' own HTTP API.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "../helpers/e2e-test";
import { E2E_AUTH } from "../../playwright.config";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
let prometheus: ChildProcess | undefined;
let promUrl = "";
let workDir = "";
let prometheusLog = "";

type Vector = { metric: Record<string, string>; value: [number, string] }[];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function query(request: APIRequestContext, expr: string): Promise<Vector> {
  const res = await request.get(`${promUrl}/api/v1/query`, { params: { query: expr } });
  const body = (await res.json()) as { status: string; error?: string; data: { result: Vector } };
  expect(body.status, `${expr}: ${body.error ?? ""}`).toBe("success");
  return body.data.result;
}

const scalar = (v: Vector) => (v.length === 1 ? Number(v[0]!.value[1]) : Number.NaN);

test.beforeAll(async ({ baseURL }) => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "idemscope-prometheus-"));
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  const target = new URL(baseURL!).host;
  await fs.writeFile(
    path.join(workDir, "prometheus.yml"),
    [
      "global: { scrape_interval: 1s, evaluation_interval: 1s }",
      `rule_files: [${JSON.stringify(path.join(ROOT, "deploy/prometheus/alerts.yml"))}]`,
      "scrape_configs:",
      "  - job_name: idemscope",
      "    metrics_path: /api/metrics",
      `    authorization: { credentials: ${JSON.stringify(E2E_AUTH.viewerToken)} }`,
      `    static_configs: [{ targets: [${JSON.stringify(target)}] }]`,
      "",
    ].join("\n"),
  );
  prometheus = spawn(
    "prometheus",
    [
      `--config.file=${path.join(workDir, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(workDir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  prometheus.stderr?.on("data", (chunk: Buffer) => (prometheusLog += chunk.toString()));
});

test.afterAll(async () => {
  prometheus?.kill("SIGTERM");
  await fs.rm(workDir, { recursive: true, force: true });
});

test("Prometheus scrapes idemscope: the series exist with sensible values, rules and dashboard queries evaluate", async ({
  request,
}) => {
  test.setTimeout(120_000);
  // Prometheus starts in a second or two, then scrapes every second
  const ready = Date.now() + 45_000;
  let up = Number.NaN;
  while (Date.now() < ready && up !== 1) {
    await new Promise((r) => setTimeout(r, 1000));
    expect(prometheus?.exitCode, `prometheus exited: ${prometheusLog}`).toBeNull();
    up = await request
      .get(`${promUrl}/api/v1/query`, { params: { query: 'up{job="idemscope"}' } })
      .then(async (res) => scalar(((await res.json()) as { data: { result: Vector } }).data.result))
      .catch(() => Number.NaN);
  }
  expect(up, `up{job="idemscope"}; prometheus said: ${prometheusLog.slice(-2000)}`).toBe(1);

  // the demo's live traffic shows as increasing counters
  await expect
    .poll(async () => scalar(await query(request, "sum(rate(idemscope_requests_total[15s]))")), {
      timeout: 30_000,
      intervals: [2000],
    })
    .toBeGreaterThan(0.5);

  const requests = await query(request, "idemscope_requests_total");
  expect(requests.length).toBeGreaterThanOrEqual(10); // several endpoints × five outcomes
  for (const series of requests) {
    expect(Object.keys(series.metric).sort()).toEqual([
      "__name__",
      "endpoint",
      "instance",
      "job",
      "outcome",
    ]);
  }
  expect(scalar(await query(request, "sum(idemscope_requests_total)"))).toBeGreaterThan(100_000);
  expect(scalar(await query(request, "sum(idemscope_first_successes_total)"))).toBeGreaterThan(
    10_000,
  );
  expect(scalar(await query(request, "sum(idemscope_duplicate_successes_total)"))).toBeGreaterThan(
    0,
  );

  // stuck keys agree with the dashboard's own count
  const stuck = scalar(await query(request, "sum(idemscope_stuck_keys)"));
  const overview = (await (await request.get("/api/v1/overview")).json()) as { stuckKeys: number };
  expect(Math.abs(stuck - overview.stuckKeys)).toBeLessThanOrEqual(2);

  // replays are a minority of the demo's requests: until one lands in the window the quantile
  // of a zero rate is NaN, so wait for the first
  const p95Query =
    "histogram_quantile(0.95, sum by (le) (rate(idemscope_replay_latency_seconds_bucket[1m])))";
  await expect
    .poll(async () => Number.isFinite(scalar(await query(request, p95Query))), {
      timeout: 45_000,
      intervals: [2000],
    })
    .toBe(true);
  const p95 = scalar(await query(request, p95Query));
  expect(p95).toBeGreaterThan(0);
  expect(p95).toBeLessThan(5);
  expect(scalar(await query(request, "sum(idemscope_store_table_bytes)"))).toBeGreaterThan(1e6);
  expect(scalar(await query(request, "idemscope_collector_lag_seconds"))).toBeLessThan(60);
  expect(scalar(await query(request, "idemscope_collector_leader"))).toBe(1);
  expect(scalar(await query(request, "idemscope_store_size_budget_bytes"))).toBe(2 ** 31);

  // every shipped rule is loaded and evaluates without error against the real series
  const shipped = await fs.readFile("deploy/prometheus/alerts.yml", "utf8");
  const ruleCount = (shipped.match(/^\s*- (alert|record):/gm) ?? []).length;
  expect(ruleCount).toBeGreaterThanOrEqual(13);
  await expect
    .poll(
      async () => {
        const res = await request.get(`${promUrl}/api/v1/rules`);
        const body = (await res.json()) as {
          data: { groups: { rules: { name: string; health: string; lastEvaluation: string }[] }[] };
        };
        const rules = body.data.groups.flatMap((g) => g.rules);
        return rules.length === ruleCount &&
          rules.every((r) => r.health === "ok" && !r.lastEvaluation.startsWith("0001"))
          ? rules.length
          : `${rules.filter((r) => r.health !== "ok").map((r) => r.name)}`;
      },
      { timeout: 15_000 },
    )
    .toBe(ruleCount);

  // and every query of the Grafana dashboard is valid PromQL that finds data
  const dashboard = JSON.parse(
    await fs.readFile(path.join(ROOT, "deploy/grafana/idemscope.json"), "utf8"),
  ) as { panels: { type: string; title: string; targets?: { expr: string }[] }[] };
  for (const panel of dashboard.panels.filter((p) => p.type !== "row")) {
    for (const target of panel.targets ?? []) {
      const expr = target.expr
        .replaceAll("$job", "idemscope")
        .replaceAll("$endpoint", ".*")
        .replaceAll("$__rate_interval", "1m");
      const result = await query(request, expr);
      expect(result.length, `${panel.title}: ${expr}`).toBeGreaterThan(0);
    }
  }
});
