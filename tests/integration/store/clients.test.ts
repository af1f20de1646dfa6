// Clients from the rollups and the collector's snapshots equal the definitions computed straight
// from raw events (docs/store-contract.md, "How the numbers are computed"), through the real route handlers; plus sorting, keyset pages, retry
// storms, odd client names and the 400/404 answers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientDetail, ClientList, ClientRange } from "../../../lib/client/api-types/clients";
import { CLIENT_RANGES } from "../../../lib/client/api-types/clients";
import { refreshStormHistory } from "../../../lib/fold/storm-history";
import { refreshClientRange, refreshStorms } from "../../../lib/fold/client-totals";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { insertEvents, type RawEvent } from "../../helpers/events";
import { getRequest, useStoreForRoutes } from "../../helpers/route-env";
import { createTestStore, type TestStore } from "../../helpers/store";

type Handler = (req: ReturnType<typeof getRequest>, ctx: unknown) => Promise<Response>;
let store: TestStore;
let listRoute: Handler;
let detailRoute: Handler;

const HOUR = 3600;
const DAY = 86_400;
const P = "POST /v1/payments";
const O = "POST /v1/orders";
const ODD = 'we/ird %2F <b>&"ü🙂';

beforeAll(async () => {
  store = await createTestStore();
  useStoreForRoutes(store);
  ({ GET: listRoute } = (await import("../../../app/api/v1/clients/route")) as unknown as {
    GET: Handler;
  });
  ({ GET: detailRoute } =
    (await import("../../../app/api/v1/clients/[scope]/route")) as unknown as {
      GET: Handler;
    });
  const events: RawEvent[] = [];
  const push = (
    secondsAgo: number,
    scope: string,
    endpoint: string,
    key: string,
    kind: RawEvent["kind"],
  ) =>
    events.push({
      secondsAgo,
      scope,
      endpoint,
      key,
      kind,
      responseCode: kind === "conflict" ? 409 : kind === "mismatch" ? 422 : 201,
    });
  // acme: one intent every 5 hours for 12 days, every third one retried twice (replays)
  for (let i = 0; i < 58; i++) {
    const at = 600 + i * 5 * HOUR;
    push(at, "acme", i % 2 ? P : O, `a${i}`, "claimed");
    push(at - 1, "acme", i % 2 ? P : O, `a${i}`, "completed");
    if (i % 3 === 0) {
      push(at - 5, "acme", P, `a${i}`, "replayed");
      push(at - 9, "acme", P, `a${i}`, "replayed");
    }
  }
  // an intent first seen three days ago and retried an hour ago: a request today, not a key
  push(3 * DAY, "acme", P, "old-key", "claimed");
  push(HOUR, "acme", P, "old-key", "replayed");
  // the odd client: conflicts and mismatches on two endpoints in the last day
  for (let i = 0; i < 6; i++) {
    const at = 2 * HOUR + i * 1800;
    push(at, ODD, P, `o${i}`, "claimed");
    push(at - 1, ODD, P, `o${i}`, i % 2 ? "conflict" : "mismatch");
    push(at - 2, ODD, O, `o${i}`, "claimed");
  }
  // storm-co: a quiet week (one request per key), then ten keys sent ten times each, just now
  for (let i = 0; i < 40; i++) push(2 * HOUR + i * 3 * HOUR, "storm-co", P, `s${i}`, "claimed");
  push(30 * HOUR, "storm-co", P, "s3", "replayed");
  for (let i = 0; i < 10; i++) {
    push(200 - i * 15, "storm-co", P, `x${i}`, "claimed");
    for (let j = 1; j < 10; j++) push(200 - i * 15 - j, "storm-co", P, `x${i}`, "replayed");
  }
  // past-co: a quiet week, and three days ago an hour of eight keys sent ten times each
  for (let i = 0; i < 40; i++) push(5 * HOUR + i * 4 * HOUR, "past-co", O, `p${i}`, "claimed");
  for (let i = 0; i < 8; i++)
    for (let j = 0; j < 10; j++)
      push(3 * DAY - 600 - i * 60 - j, "past-co", O, `z${i}`, j ? "replayed" : "claimed");
  // calm-co: a quiet week, then three requests per key 6 to 14 minutes ago, nothing since:
  // not a storm by itself (the last 5 minutes are quiet), but one that goes on (hysteresis)
  for (let i = 0; i < 30; i++) push(2 * HOUR + i * 4 * HOUR, "calm-co", O, `c${i}`, "claimed");
  for (let i = 0; i < 20; i++) {
    push(840 - i * 20, "calm-co", O, `y${i}`, "claimed");
    push(839 - i * 20, "calm-co", O, `y${i}`, "replayed");
    push(838 - i * 20, "calm-co", O, `y${i}`, "replayed");
  }
  await insertEvents(store.pool, store.t, events);
  for (;;) if ((await collectBatch(store.ctx())).caughtUp) break;
  for (const range of CLIENT_RANGES) await refreshClientRange(store.ctx(), range);
  await refreshStorms(store.ctx());
  await refreshStormHistory(store.ctx());
});
afterAll(() => store.drop());

async function list(
  qs: string,
): Promise<{ status: number; body: ClientList & { message?: string } }> {
  const res = await listRoute(getRequest(`/api/v1/clients?${qs}`), {});
  return { status: res.status, body: await res.json() };
}

async function detail(
  scope: string,
  qs = "",
): Promise<{ status: number; body: ClientDetail & { message?: string } }> {
  const res = await detailRoute(getRequest(`/api/v1/clients/${encodeURIComponent(scope)}?${qs}`), {
    params: Promise.resolve({ scope }),
  });
  return { status: res.status, body: await res.json() };
}

/** The range's first bucket, computed here from the clock: whole UTC hours or days. */
function expectedFrom(range: ClientRange): Date {
  const now = Date.now();
  if (range === "24h") return new Date(Math.floor(now / 3_600_000) * 3_600_000 - 23 * 3_600_000);
  const days = { "7d": 6, "30d": 29, "90d": 89 }[range];
  return new Date(Math.floor(now / 86_400_000) * 86_400_000 - days * 86_400_000);
}

type RawClient = {
  scope: string;
  requests: number;
  keys: number;
  conflicts: number;
  mismatches: number;
  replayed: number;
};

/** The definitions (docs/store-contract.md) straight from the events: requests in the range; keys = intents first requested in it. */
async function rawClients(from: Date, endpointColumn = false): Promise<RawClient[]> {
  const r = await store.pool.query<RawClient & { endpoint?: string }>(
    `WITH req AS (
       SELECT * FROM ${store.t.events} WHERE kind IN ('claimed', 'reclaimed', 'replayed', 'conflict', 'mismatch')
     ), firsts AS (
       SELECT scope, endpoint, key, min(at) AS first_at FROM req GROUP BY 1, 2, 3
     ), counts AS (
       SELECT scope, ${endpointColumn ? "endpoint" : "'*'"} AS endpoint, count(*)::int AS requests,
              count(*) FILTER (WHERE kind = 'conflict')::int AS conflicts,
              count(*) FILTER (WHERE kind = 'mismatch')::int AS mismatches,
              count(*) FILTER (WHERE kind = 'replayed')::int AS replayed
         FROM req WHERE at >= $1 GROUP BY 1, 2
     ), keys AS (
       SELECT scope, ${endpointColumn ? "endpoint" : "'*'"} AS endpoint, count(*)::int AS keys
         FROM firsts WHERE first_at >= $1 GROUP BY 1, 2
     )
     SELECT c.scope, ${endpointColumn ? "c.endpoint," : ""} c.requests, coalesce(k.keys, 0) AS keys,
            c.conflicts, c.mismatches, c.replayed
       FROM counts c LEFT JOIN keys k USING (scope, endpoint)
      ORDER BY c.scope COLLATE "C" ${endpointColumn ? ", c.endpoint" : ""}`,
    [from],
  );
  return r.rows;
}

describe("GET /api/v1/clients", () => {
  it.each(CLIENT_RANGES)("equals the raw definitions over %s", async (range) => {
    const { status, body } = await list(`range=${range}&limit=500&sort=scope&dir=asc`);
    expect(status).toBe(200);
    const from = expectedFrom(range);
    expect(body.from).toBe(from.toISOString());
    const raw = await rawClients(from);
    expect(raw.length).toBeGreaterThan(1);
    expect(body.totalClients).toBe(raw.length);
    expect(
      body.items.map((c) => ({
        scope: c.scope,
        requests: c.requests,
        keys: c.keys,
        conflicts: c.conflicts,
        mismatches: c.mismatches,
        replayed: c.replayed,
      })),
    ).toEqual(raw);
    for (const c of body.items) {
      const r = raw.find((x) => x.scope === c.scope) as RawClient;
      expect(c.retriesPerKey).toBe(r.keys ? r.requests / r.keys : null);
      expect(c.sparkline).toHaveLength(body.sparkline.buckets.length);
    }
  });

  it("sorts by any column and pages through every client exactly once", async () => {
    const all = (await list("range=30d&limit=500&sort=scope")).body.items;
    const byRate = [...all].sort(
      (a, b) =>
        (b.retriesPerKey ?? -1) - (a.retriesPerKey ?? -1) ||
        (Buffer.from(b.scope) < Buffer.from(a.scope) ? -1 : 1),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: ClientList } = await list(
        `range=30d&sort=retriesPerKey&dir=desc&limit=1${cursor ? `&cursor=${cursor}` : ""}`,
      );
      seen.push(...page.body.items.map((c) => c.scope));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(byRate.map((c) => c.scope));
    const asc = (await list("range=30d&sort=requests&dir=asc")).body.items.map((c) => c.requests);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
  });

  it("flags the client in a retry storm, with an explanation", async () => {
    const { body } = await list("range=24h");
    expect(body.storms.map((s) => s.scope)).toEqual(["storm-co"]);
    const storm = body.storms[0];
    // last 5 minutes: 100 requests for 10 keys; the week before: 41 requests for 40 keys
    expect(storm?.currentRate).toBeCloseTo(10, 5);
    expect(storm?.baselineRate).toBeCloseTo(41 / 40, 5);
    expect(storm?.factor).toBeCloseTo(10 / (41 / 40), 5);
    expect(storm?.windowMinutes).toBe(5);
    expect(storm?.explanation).toMatch(
      /^retry rate 9\.8× its 7-day baseline since \d\d:\d\d UTC \(10\.0 requests per key over the last 5 min, usually 1\.0\d\)$/,
    );
    expect(Date.now() - Date.parse(storm?.since ?? "")).toBeLessThan(20 * 60_000);
    expect(body.items.find((c) => c.scope === "storm-co")?.storm?.factor).toBe(storm?.factor);
    expect(body.items.find((c) => c.scope === "acme")?.storm).toBeNull();
    // the sparkline's last point: this hour's requests per key, from the raw events
    const hour = await store.pool.query<{ requests: number; keys: number }>(
      `WITH req AS (SELECT * FROM ${store.t.events} WHERE scope = 'storm-co'
                      AND kind IN ('claimed', 'reclaimed', 'replayed', 'conflict', 'mismatch'))
       SELECT (SELECT count(*) FROM req WHERE at >= date_trunc('hour', now()))::float8 AS requests,
              (SELECT count(*) FROM (SELECT min(at) AS first FROM req GROUP BY endpoint, key) f
                WHERE first >= date_trunc('hour', now()))::float8 AS keys`,
    );
    const h = hour.rows[0] as { requests: number; keys: number };
    const line = body.items.find((c) => c.scope === "storm-co")?.sparkline ?? [];
    if (h.keys) expect(line.at(-1)).toBeCloseTo(h.requests / h.keys, 9);
    else expect(line.at(-1)).toBeNull(); // just past the hour: no key started in it yet
  });

  it("flags a storm earlier in the range, which is over now, and not in a range after it", async () => {
    const week = (await list("range=7d&limit=100")).body;
    const past = week.items.find((c) => c.scope === "past-co")!;
    expect(past.storm).toBeNull();
    expect(past.pastStorm).toMatchObject({ scope: "past-co", hours: 1 });
    expect(past.pastStorm!.peakFactor).toBeGreaterThanOrEqual(3);
    expect(week.pastStorms.map((p) => p.scope)).toContain("past-co");
    // a client that never retried far above its own rate has none
    expect(week.pastStorms.map((p) => p.scope)).not.toContain("acme");
    const day = (await list("range=24h&limit=100")).body;
    expect(day.pastStorms.map((p) => p.scope)).not.toContain("past-co");
  });

  it("keeps a storm that goes on while the last 15 minutes stay at twice the baseline", async () => {
    // calm-co alone is no storm: its last 5 minutes are quiet
    expect((await list("range=24h")).body.storms.map((s) => s.scope)).not.toContain("calm-co");
    const started = new Date(Date.now() - 20 * 60_000);
    await store.pool.query(
      `INSERT INTO ${store.t.ownTable("client_storms")} VALUES ('calm-co', $1, 3, 3, 1, 5, 60, 20, now())`,
      [started],
    );
    await refreshStorms(store.ctx());
    const calm = (await list("range=24h&sort=scope")).body.storms.find(
      (s) => s.scope === "calm-co",
    );
    expect(calm?.windowMinutes).toBe(15);
    expect(calm?.currentRate).toBeCloseTo(3, 5);
    expect(calm?.since).toBe(started.toISOString()); // the storm keeps its start
    expect(calm?.explanation).toContain("over the last 15 min");
  });

  it("answers 400 with a message for unknown ranges, sorts, directions, limits and cursors", async () => {
    for (const qs of [
      "range=15m",
      "range=1y",
      "sort=bogus",
      "dir=up",
      "limit=0",
      "limit=501",
      "cursor=nope",
      "other=1",
    ]) {
      const { status, body } = await list(qs);
      expect(status, qs).toBe(400);
      expect(body.message, qs).toBeTruthy();
    }
  });
});

describe("GET /api/v1/clients/{scope}", () => {
  it("gives an odd-named client's totals, history and endpoints, equal to the raw events", async () => {
    const { status, body } = await detail(ODD, "range=24h");
    expect(status).toBe(200);
    expect(body.scope).toBe(ODD);
    const raw = (await rawClients(new Date(body.from))).find((c) => c.scope === ODD) as RawClient;
    expect(body.totals).toMatchObject({
      requests: raw.requests,
      keys: raw.keys,
      conflicts: raw.conflicts,
      mismatches: raw.mismatches,
    });
    expect(body.series).toHaveLength(24);
    expect(body.series.reduce((s, p) => s + p.requests, 0)).toBe(raw.requests);
    const rawEndpoints = (await rawClients(new Date(body.endpointsFrom), true)).filter(
      (c) => c.scope === ODD,
    );
    expect(body.endpoints.map((e) => [e.endpoint, e.requests, e.keys]).sort()).toEqual(
      rawEndpoints
        .map((e) => [(e as RawClient & { endpoint: string }).endpoint, e.requests, e.keys])
        .sort(),
    );
  });

  it("agrees with the list for every range, and shows the baseline and the storm", async () => {
    for (const range of CLIENT_RANGES) {
      const item = (await list(`range=${range}&limit=500`)).body.items.find(
        (c) => c.scope === "storm-co",
      );
      const { body } = await detail("storm-co", `range=${range}`);
      const {
        scope: _s,
        storm: _st,
        pastStorm: _ps,
        sparkline: _sp,
        ...counts
      } = item as ClientList["items"][number];
      expect(body.totals, range).toEqual(counts);
      expect(body.totals.requests, range).toBe(item?.requests);
      expect(body.totals.keys, range).toBe(item?.keys);
    }
    const { body } = await detail("storm-co");
    expect(body.storm?.scope).toBe("storm-co");
    expect(body.baselineRetriesPerKey).toBeCloseTo(41 / 40, 5);
  });

  it("answers 404 for an unknown client and 400 for a bad range", async () => {
    expect((await detail("nobody")).status).toBe(404);
    expect((await detail("nobody")).body.message).toMatch(/nobody/);
    expect((await detail("acme", "range=15m")).status).toBe(400);
  });
});
