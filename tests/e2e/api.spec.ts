import { expect, test } from "../helpers/e2e-test";
import { E2E_AUTH } from "../../playwright.config";

test.describe("JSON API", () => {
  test("GET /api/health answers 200 while the database is up", async ({ request }) => {
    const res = await request.get("/api/health");
    expect(res.status()).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", database: "up" });
    const live = await request.get("/api/health?probe=live");
    expect(await live.json()).toEqual({ status: "ok" });
  });

  test("GET /api/v1/overview has every field of docs/api.md", async ({ request }) => {
    const res = await request.get("/api/v1/overview?range=1h");
    expect(res.status()).toBe(200);
    expect(res.headers()["cache-control"]).toContain("no-store");
    const body = await res.json();
    expect(body).toMatchObject({
      range: "1h",
      requests: expect.any(Number),
      replayed: expect.any(Number),
      replayRatio: expect.any(Number),
      duplicateSuccesses: expect.any(Number),
      conflicts: expect.any(Number),
      mismatches: expect.any(Number),
      stuckKeys: expect.any(Number),
      replayLatencyMs: {
        p50: expect.any(Number),
        p95: expect.any(Number),
        p99: expect.any(Number),
      },
    });
    expect(body.requests).toBeGreaterThan(0);
    expect(body.series.length).toBeGreaterThanOrEqual(59);
    expect(Object.keys(body.series[0]).sort()).toEqual([
      "claimed",
      "conflict",
      "mismatch",
      "reclaimed",
      "replayed",
      "t",
    ]);
    expect(Number.isNaN(Date.parse(body.series[0].t))).toBe(false);
  });

  test("defaults to 15 minutes and rejects bad parameters with 400 and a message", async ({
    request,
  }) => {
    expect((await (await request.get("/api/v1/overview")).json()).range).toBe("15m");
    for (const query of [
      "range=2w",
      "range=",
      "range=15m&range=1h",
      "rnage=1h",
      "range=%27%3B--",
    ]) {
      const res = await request.get(`/api/v1/overview?${query}`);
      expect(res.status(), query).toBe(400);
      const body = await res.json();
      expect(body.error).toBe("invalid_request");
      expect(body.message.length).toBeGreaterThan(5);
    }
  });
});

test("GET /api/metrics exposes the collector's lag in Prometheus text format", async ({
  request,
}) => {
  // authentication is configured (tokens, proxy): the scrape needs a token
  const refused = await request.get("/api/metrics");
  expect(refused.status()).toBe(401);
  expect(await refused.text()).toContain("needs the configured bearer token");
  const res = await request.get("/api/metrics", {
    headers: { authorization: `Bearer ${E2E_AUTH.viewerToken}` },
  });
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("text/plain");
  const text = await res.text();
  const lag = /^idemscope_collector_lag_seconds (\S+)$/m.exec(text);
  expect(lag).not.toBeNull();
  expect(Number(lag![1])).toBeGreaterThanOrEqual(0);
  expect(Number(lag![1])).toBeLessThan(60);
  expect(Number(/^idemscope_collector_events_total (\S+)$/m.exec(text)![1])).toBeGreaterThan(1000);
  expect(text).toMatch(/^process_cpu_seconds_total /m);
});
