// Trends from the rollups equal the definitions computed straight from raw events (docs/store-contract.md, "How the numbers are computed").
import type { TrendDay } from "../../../lib/client/api-types/trends";
import { afterAll, beforeAll, expect, it } from "vitest";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { getTrends, verdictOf } from "../../../lib/query/store/trends";
import { insertEvents, type RawEvent } from "../../helpers/events";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
const DAY = 86_400;
const P = "POST /v1/payments";
const R = "POST /v1/refunds";

beforeAll(async () => {
  store = await createTestStore();
  const events: RawEvent[] = [];
  // three days ago, two days ago, today; seconds into "now" keep them inside their UTC day
  const today = (Date.now() / 1000) % DAY;
  const intent = (
    k: string,
    daysAgo: number,
    endpoint: string,
    successes: number,
    replays: number,
  ) => {
    const base = daysAgo === 0 ? Math.max(5, today / 2) : daysAgo * DAY - 3600;
    events.push({ secondsAgo: base, scope: "acme", endpoint, key: k, kind: "claimed" });
    for (let i = 0; i < successes; i++) {
      if (i > 0)
        events.push({
          secondsAgo: base - 1 - i,
          scope: "acme",
          endpoint,
          key: k,
          kind: "reclaimed",
        });
      events.push({
        secondsAgo: base - 2 - i,
        scope: "acme",
        endpoint,
        key: k,
        kind: "completed",
        responseCode: 201,
        latencyMs: 40,
      });
    }
    for (let i = 0; i < replays; i++)
      events.push({
        secondsAgo: base - 3 - successes,
        scope: "acme",
        endpoint,
        key: k,
        kind: "replayed",
        responseCode: 201,
        latencyMs: 2,
      });
  };
  for (let i = 0; i < 40; i++) intent(`a${i}`, 3, P, 1, i % 3);
  intent("a-dup", 3, R, 2, 0);
  for (let i = 0; i < 25; i++) intent(`b${i}`, 2, P, 1, 1);
  for (let i = 0; i < 10; i++) intent(`c${i}`, 0, R, 1, 0);
  intent("c-dup1", 0, R, 2, 0);
  intent("c-dup2", 0, P, 3, 1);
  events.push({
    secondsAgo: 2 * DAY - 3600,
    scope: "acme",
    endpoint: P,
    key: "b0",
    kind: "conflict",
    responseCode: 409,
  });
  await insertEvents(store.pool, store.t, events);
  for (;;) if ((await collectBatch(store.ctx())).caughtUp) break;
  await store.pool.query(
    `INSERT INTO ${store.t.ownTable("audit_log")} (at, actor, actor_role, action, reason) VALUES
       (now() - interval '2 days', 'olga', 'operator', 'release', 'x'),
       (now() - interval '2 days', 'olga', 'operator', 'fail', 'x'),
       (now(), 'olga', 'operator', 'reveal', 'not an intervention')`,
  );
});
afterAll(() => store.drop());

it("daily numbers equal the raw-event definitions", async () => {
  const trends = await getTrends(store.ctx(), "7d", ["idempotency_keys", "idempotency_events"]);
  expect(trends.days).toHaveLength(7);
  const raw = await store.pool.query<{
    day: string;
    requests: number;
    replayed: number;
    first: number;
    dup: number;
  }>(
    `WITH ok AS (
       SELECT scope, endpoint, key, at, row_number() OVER (PARTITION BY scope, endpoint, key ORDER BY at, id) AS nth
         FROM ${store.t.events} WHERE kind = 'completed' AND response_code BETWEEN 200 AND 299
     )
     SELECT to_char(d, 'YYYY-MM-DD') AS day,
            (SELECT count(*) FROM ${store.t.events} e WHERE date_trunc('day', e.at) = d
                AND kind IN ('claimed', 'reclaimed', 'replayed', 'conflict', 'mismatch'))::int AS requests,
            (SELECT count(*) FROM ${store.t.events} e WHERE date_trunc('day', e.at) = d AND kind = 'replayed')::int AS replayed,
            (SELECT count(*) FROM ok WHERE date_trunc('day', ok.at) = d AND nth = 1)::int AS first,
            (SELECT count(*) FROM ok WHERE date_trunc('day', ok.at) = d AND nth > 1)::int AS dup
       FROM generate_series(date_trunc('day', now()) - interval '6 days', date_trunc('day', now()), interval '1 day') d
      ORDER BY d`,
  );
  expect(
    trends.days.map((d) => ({
      day: d.day,
      requests: d.requests,
      replayed: d.replayed,
      first: d.succeededIntents,
      dup: d.duplicateSuccesses,
    })),
  ).toEqual(raw.rows);
  const dupDays = trends.days.filter((d) => d.duplicateSuccesses > 0);
  expect(dupDays.length).toBeGreaterThanOrEqual(1);
  for (const d of trends.days)
    expect(d.duplicateSuccessRate).toBe(
      d.succeededIntents ? d.duplicateSuccesses / d.succeededIntents : null,
    );
  // interventions: releases and fails, not reveals
  expect(trends.totals.interventions).toBe(2);
  const month = trends.months[trends.months.length - 1]!;
  expect(trends.months).toHaveLength(12);
  expect(
    month.releases + month.fails + trends.months[trends.months.length - 2]!.releases,
  ).toBeGreaterThanOrEqual(1);
  expect(trends.verdict.summary).toMatch(/^Within target on \d+ of \d+ days/);
  expect(trends.verdict.worst?.endpoint).toMatch(/POST \/v1\/(payments|refunds)/);
});

/** A day as listDays gives it: its rate from its successes, none on a day wholly imported. */
const trendDay = (
  day: string,
  first: number,
  dup: number,
  over: Partial<TrendDay> = {},
): TrendDay => {
  const imported = over.imported ?? null;
  return {
    day,
    requests: first + dup,
    replayed: 0,
    duplicateSuccesses: dup,
    succeededIntents: first,
    duplicateSuccessRate: first && imported !== "all" ? dup / first : null,
    interventions: 0,
    imported,
    partial: false,
    ...over,
  };
};

it("the verdict names the worst day and its endpoint", () => {
  const day = (d: string, first: number, dup: number) => trendDay(d, first, dup);
  const v = verdictOf(
    [
      day("2026-11-13", 1000, 0),
      day("2026-11-14", 15_833, 38),
      day("2026-11-15", 0, 0),
      day("2026-11-16", 2000, 1),
    ],
    0.001,
    { endpoint: "POST /v1/refunds", n: 38 },
  );
  expect(v.summary).toBe(
    "Within target on 2 of 3 days (1 without traffic); worst day 14 Nov: 0.24 %, 38 duplicate successes (38 on POST /v1/refunds).",
  );
});

it("the verdict leaves out the days before capture began instead of calling them quiet", () => {
  const day = (d: string, imported: TrendDay["imported"], first: number) =>
    trendDay(d, first, 0, { imported });
  const days = [
    day("2026-12-04", "all", 1900),
    day("2026-12-05", "all", 2100),
    day("2026-12-06", "part", 800),
    day("2026-12-07", null, 0),
  ];
  expect(verdictOf(days, 0.001, null).summary).toBe(
    "Within target on 1 of 1 days (2 before capture began, which recorded no duplicates, 1 without traffic); no duplicate success at all.",
  );
  expect(verdictOf(days.slice(0, 2), 0.001, null).summary).toBe(
    "Nothing to judge yet: 2 before capture began, which recorded no duplicates.",
  );
});

it("judges whole days only: today's rate, still moving, is said apart", () => {
  const day = (d: string, first: number, dup: number, partial = false) =>
    trendDay(d, first, dup, { partial });
  const v = verdictOf(
    [day("2026-12-05", 1000, 0), day("2026-12-06", 2000, 0), day("2026-12-07", 400, 2, true)],
    0.001,
    null,
  );
  expect(v.daysMeasured).toBe(2);
  expect(v.summary).toBe(
    "Within target on 2 of 2 days; no duplicate success at all. Today so far: 0.5 %.",
  );
});
