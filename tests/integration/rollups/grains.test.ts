// A batch is summed at the finest grain each event is kept at (lib/contract/grains.ts): events of
// the last minutes, of days ago and of months ago land in exactly the minute, hour and day rows
// that retention keeps for them, in the same buckets as date_trunc in UTC, and nowhere else.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { insertEvents, type RawEvent } from "../../helpers/events";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
const keep = { minute: 3, hour: 90 };
const DAY = 86_400;

// ages chosen on both sides of every retention line: minute rows 3 days, hour rows 90 days,
// per-client minute rows 3 hours, per-client hour rows 8 days
const AGES = [30, 2 * 3600, 4 * 3600, 2.5 * DAY, 5 * DAY, 10 * DAY, 100 * DAY, 200 * DAY];

function events(): RawEvent[] {
  const out: RawEvent[] = [];
  AGES.forEach((age, i) => {
    for (let j = 0; j < 3; j++) {
      const key = `g-${i}-${j}`;
      const scope = `c-${j % 2}`;
      const endpoint = j === 2 ? "POST /v1/refunds" : "POST /v1/payments";
      const at = age + j * 7;
      out.push({ secondsAgo: at, scope, endpoint, key, kind: "claimed" });
      out.push({
        secondsAgo: at - 1,
        scope,
        endpoint,
        key,
        kind: "completed",
        responseCode: j === 1 ? 500 : 201,
        latencyMs: 10 + j * 40,
      });
      if (j === 0) {
        out.push({
          secondsAgo: at - 2,
          scope,
          endpoint,
          key,
          kind: "replayed",
          responseCode: 201,
          latencyMs: 2,
        });
        // a second success: a duplicate, in the same grain as the first
        out.push({
          secondsAgo: at - 3,
          scope,
          endpoint,
          key,
          kind: "completed",
          responseCode: 201,
        });
      }
    }
  });
  return out;
}

const since = (days: number) => `now() - make_interval(secs => ${days * DAY})`;
const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();

async function bothSides(raw: string, rollup: string) {
  const [a, b] = await Promise.all([store.pool.query(raw), store.pool.query(rollup)]);
  return { raw: sorted(a.rows), rollup: sorted(b.rows) };
}

beforeAll(async () => {
  store = await createTestStore();
  await insertEvents(store.pool, store.t, events());
  // two uneven batches, so that cells of one bucket are added from both
  for (;;)
    if ((await collectBatch(store.ctx(), { batchSize: 37, retentionDays: keep })).caughtUp) break;
});
afterAll(() => store.drop());

describe("summing a batch at the finest grain kept", () => {
  const r = (table: string) => store.t.ownTable(table);

  for (const [res, days] of [
    ["minute", keep.minute],
    ["hour", keep.hour],
    ["day", null],
  ] as const) {
    it(`writes ${res} rows for exactly the events ${res} rows keep, in UTC buckets`, async () => {
      const within = days === null ? "true" : `at >= ${since(days)}`;
      const events = await bothSides(
        `SELECT date_trunc('${res}', at, 'UTC') AS bucket, endpoint, kind,
                coalesce(response_code / 100, 0) AS class, count(*)::int AS n
           FROM ${store.t.events} WHERE ${within} GROUP BY 1, 2, 3, 4`,
        `SELECT bucket, endpoint, kind, response_class AS class, events::int AS n
           FROM ${r("rollup_events")} WHERE resolution = '${res}'`,
      );
      expect(events.raw.length).toBeGreaterThan(0);
      expect(events.rollup).toEqual(events.raw);

      const latency = await bothSides(
        `SELECT date_trunc('${res}', at, 'UTC') AS bucket, kind, count(*)::int AS n
           FROM ${store.t.events} WHERE ${within} AND latency_ms IS NOT NULL GROUP BY 1, 2`,
        `SELECT bucket, kind, sum(events)::int AS n FROM ${r("rollup_latency")}
          WHERE resolution = '${res}' GROUP BY 1, 2`,
      );
      expect(latency.rollup).toEqual(latency.raw);

      // every intent's first success is the earliest; the later one a duplicate
      const successes = await bothSides(
        `SELECT date_trunc('${res}', at, 'UTC') AS bucket,
                count(*) FILTER (WHERE n = 1)::int AS first, count(*) FILTER (WHERE n > 1)::int AS dup
           FROM (SELECT at, row_number() OVER (PARTITION BY scope, endpoint, key ORDER BY at, id) AS n
                   FROM ${store.t.events} WHERE kind = 'completed' AND response_code BETWEEN 200 AND 299) s
          WHERE ${within} GROUP BY 1`,
        `SELECT bucket, sum(first_successes)::int AS first, sum(duplicate_successes)::int AS dup
           FROM ${r("rollup_successes")} WHERE resolution = '${res}' GROUP BY 1`,
      );
      expect(successes.rollup).toEqual(successes.raw);
    });
  }

  for (const [code, res, within] of [
    ["m", "minute", `at >= now() - interval '3 hours'`],
    ["h", "hour", `at >= ${since(8)}`],
    ["d", "day", "true"],
  ] as const) {
    it(`writes per-client ${res} rows for the requests they keep`, async () => {
      const clients = await bothSides(
        `SELECT date_trunc('${res}', at, 'UTC') AS bucket, scope, count(*)::int AS requests
           FROM ${store.t.events}
          WHERE ${within} AND kind IN ('claimed', 'reclaimed', 'replayed', 'conflict', 'mismatch')
          GROUP BY 1, 2`,
        `SELECT x.bucket, n.scope, x.requests::int AS requests
           FROM ${r("rollup_clients")} x JOIN ${r("client_names")} n ON n.id = x.client
          WHERE x.resolution = '${code}' AND x.endpoint = 0`,
      );
      expect(clients.raw.length).toBeGreaterThan(0);
      expect(clients.rollup).toEqual(clients.raw);
    });
  }
});
