// The Store page's numbers against their definitions (docs/store-contract.md, "How the numbers are computed"): growth from the size samples,
// the budget projection, new and purged keys per day, purger health from the keys table, and
// the TTL advisor computed here straight from raw events.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoreReport } from "../../../lib/client/api-types/store";
import { parseConfig } from "../../../lib/core/config";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { RETRY_DELAY_BOUNDS_S } from "../../../lib/contract/histograms";
import { getStoreReport } from "../../../lib/query/store/store-report";
import { insertEvents, type RawEvent } from "../../helpers/events";
import { getRequest, useStoreForRoutes } from "../../helpers/route-env";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
const DAY = 86_400;
const R = "POST /v1/refunds"; // TTL 120 s, observed on its keys
const P = "POST /v1/payments"; // TTL configured: 1 h
const GiB = 2 ** 30;

function cfg(extra: Record<string, string> = {}) {
  return parseConfig({
    IDEMSCOPE_STORE_SCHEMA: store.schema,
    IDEMSCOPE_SCHEMA: store.t.own.replaceAll('"', ""),
    IDEMSCOPE_ENDPOINT_TTLS: `${P}=3600`,
    IDEMSCOPE_STORE_SIZE_BUDGET: "10GiB",
    IDEMSCOPE_PURGE_GRACE_SECONDS: "900",
    ...extra,
  });
}

beforeAll(async () => {
  store = await createTestStore();
  useStoreForRoutes(store);
  const k = store.t.keys;
  // refunds keys with a 120 s TTL (the observed one); two expired long ago: the purger is behind
  await store.pool.query(
    `INSERT INTO ${k} (scope, endpoint, key, request_hash, status, created_at, expires_at)
     SELECT 'acme', $1, 'live-' || g, 'h', 'completed', now() - make_interval(secs => g), now() - make_interval(secs => g) + interval '120 seconds'
       FROM generate_series(1, 50) g`,
    [R],
  );
  await store.pool.query(
    `INSERT INTO ${k} (scope, endpoint, key, request_hash, status, created_at, expires_at) VALUES
       ('acme', $1, 'old-1', 'h', 'completed', now() - interval '3 hours', now() - interval '2 hours'),
       ('acme', $1, 'old-2', 'h', 'completed', now() - interval '3 hours', now() - interval '150 minutes')`,
    [P],
  );
  // retries at chosen delays after each intent's first request
  const events: RawEvent[] = [];
  const intent = (endpoint: string, key: string, startAgo: number, delays: number[]) => {
    events.push({ secondsAgo: startAgo, scope: "acme", endpoint, key, kind: "claimed" });
    for (const d of delays)
      events.push({
        secondsAgo: startAgo - d,
        scope: "acme",
        endpoint,
        key,
        kind: d >= 120 && endpoint === R ? "claimed" : "replayed",
      });
  };
  for (let i = 0; i < 40; i++)
    intent(R, `r${i}`, 2 * DAY + i * 60, [2, 40, i % 4 === 0 ? 150 : 90]);
  for (let i = 0; i < 30; i++) intent(P, `p${i}`, DAY + i * 60, [1, 7, 400]);
  events.push({ secondsAgo: DAY, scope: "acme", endpoint: R, key: "r0", kind: "expired" });
  await insertEvents(store.pool, store.t, events);
  for (;;) if ((await collectBatch(store.ctx())).caughtUp) break;
  // size samples: two days apart, the keys table grew 2 GiB, the events table 1 GiB
  await store.pool.query(
    `INSERT INTO ${store.t.ownTable("store_size_samples")} (at, table_name, rows, bytes) VALUES
       (now() - interval '2 days', 'idempotency_keys', 1000, $1), (now() - interval '1 minute', 'idempotency_keys', 3000, $2),
       (now() - interval '2 days', 'idempotency_events', 5000, $1), (now() - interval '1 minute', 'idempotency_events', 9000, $3)`,
    [GiB, 3 * GiB, 2 * GiB],
  );
});
afterAll(() => store.drop());

describe("getStoreReport", () => {
  let report: StoreReport;
  beforeAll(async () => {
    report = await getStoreReport(store.ctx(cfg()), "30d");
  });

  it("reports size per table, growth per day and the date the budget is reached", () => {
    expect(report.tables.map((t) => [t.name, t.rows, t.bytes, t.samples.length])).toEqual([
      ["idempotency_keys", 3000, 3 * GiB, 2],
      ["idempotency_events", 9000, 2 * GiB, 2],
    ]);
    // (2 GiB + 1 GiB) over two days (less a minute)
    const span = (2 * DAY - 60) / DAY;
    expect(report.growthPerDay?.bytes).toBeCloseTo((3 * GiB) / span, -3);
    expect(report.growthPerDay?.rows).toBeCloseTo(6000 / span, 3);
    // 5 GiB left at ~1.5 GiB a day: in ~3.33 days
    const days = (10 * GiB - 5 * GiB) / ((3 * GiB) / span);
    expect(Date.parse(report.projectedBudgetDate ?? "")).toBeCloseTo(
      Date.now() + days * DAY * 1000,
      -5,
    );
    expect(report.projection.status).toBe("projected");
  });

  it("says when there is no budget, or when it is exceeded", async () => {
    const none = await getStoreReport(store.ctx(cfg({ IDEMSCOPE_STORE_SIZE_BUDGET: "" })), "7d");
    expect(none.projection.status).toBe("no_budget");
    expect(none.projection.message).toContain("IDEMSCOPE_STORE_SIZE_BUDGET");
    const over = await getStoreReport(
      store.ctx(cfg({ IDEMSCOPE_STORE_SIZE_BUDGET: "4GiB" })),
      "7d",
    );
    expect(over.projection.status).toBe("exceeded");
    expect(over.projectedBudgetDate).toBeNull();
  });

  it("finds the purger behind: expired keys still present, the oldest two hours late", () => {
    const raw = { expired: 2 + 0 };
    expect(report.expiredNotPurged).toBeGreaterThanOrEqual(raw.expired);
    expect(report.purger.status).toBe("behind");
    expect(report.purger.lagSeconds).toBeGreaterThan(150 * 60 - 5);
    expect(report.purger.message).toMatch(
      /^\d+ expired keys still in the table, the oldest expired 2 h 30 min ago/,
    );
  });

  it("counts new and purged keys per UTC day like the raw events", async () => {
    const raw = await store.pool.query<{ day: string; created: number; expired: number }>(
      `SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
              count(*) FILTER (WHERE kind = 'claimed')::int AS created, count(*) FILTER (WHERE kind = 'expired')::int AS expired
         FROM ${store.t.events} GROUP BY 1
        -- a day with other events only (near UTC midnight) is a day without a bar
        HAVING count(*) FILTER (WHERE kind IN ('claimed', 'expired')) > 0 ORDER BY 1`,
    );
    const shown = (report.createdExpired ?? []).filter((d) => d.created || d.expired);
    expect(shown).toEqual(raw.rows);
  });

  it("advises on each TTL from the delays of the raw retries", async () => {
    const raw = await store.pool.query<{ endpoint: string; delay: number }>(
      `WITH req AS (SELECT * FROM ${store.t.events} WHERE kind IN ('claimed', 'reclaimed', 'replayed', 'conflict', 'mismatch')),
            first AS (SELECT DISTINCT ON (scope, endpoint, key) scope, endpoint, key, id, at FROM req ORDER BY scope, endpoint, key, at, id)
       SELECT r.endpoint, extract(epoch FROM r.at - f.at)::float8 AS delay
         FROM req r JOIN first f USING (scope, endpoint, key) WHERE r.id <> f.id`,
    );
    for (const [endpoint, ttl] of [
      [R, 120],
      [P, 3600],
    ] as const) {
      const delays = raw.rows.filter((r) => r.endpoint === endpoint).map((r) => r.delay);
      const a = report.ttlAdvisor.find((x) => x.endpoint === endpoint);
      expect(a?.ttlSeconds).toBe(ttl);
      expect(a?.ttlSource).toBe(endpoint === P ? "configured" : "observed");
      expect(a?.retries).toBe(delays.length);
      // both TTLs are histogram bounds, so "at or after the TTL" is exact
      expect(a?.afterExpiry).toBe(delays.filter((d) => d >= ttl).length);
      const suggested = RETRY_DELAY_BOUNDS_S.find(
        (b) => delays.filter((d) => d < b).length >= 0.999 * delays.length,
      );
      expect(a?.suggestedTtlSeconds).toBe(suggested);
    }
    const refunds = report.ttlAdvisor.find((x) => x.endpoint === R);
    expect(refunds?.verdict).toBe("raise");
    expect(refunds?.message).toBe(
      "8.3 % of retries arrived after the 2 min TTL and ran the work again; a TTL of 5 min would have caught 99.9 %.",
    );
    const payments = report.ttlAdvisor.find((x) => x.endpoint === P);
    expect(payments?.verdict).toBe("could_lower");
    expect(payments?.message).toContain("the 1 h TTL keeps keys 6× longer");
  });
});

describe("GET /api/v1/store", () => {
  it("answers the report, and 400 with a message for an unknown range", async () => {
    const { GET } = (await import("../../../app/api/v1/store/route")) as unknown as {
      GET: (req: ReturnType<typeof getRequest>, ctx: unknown) => Promise<Response>;
    };
    const ok = await GET(getRequest("/api/v1/store"), {});
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as StoreReport).range).toBe("30d");
    for (const qs of ["range=24h", "range=1y", "bogus=1"]) {
      const res = await GET(getRequest(`/api/v1/store?${qs}`), {});
      expect(res.status, qs).toBe(400);
      expect(((await res.json()) as { message: string }).message, qs).toBeTruthy();
    }
  });
});
