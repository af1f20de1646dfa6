// Annotations: an operator (or CI with an operator token) sends one; bad bodies get a 400 that
// says what is wrong; the before/after comparison equals the raw events' numbers over the two
// windows and says which got worse.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectBatch } from "../../../lib/fold/collect-batch";
import { compareAroundAnnotation } from "../../../lib/query/store/annotations";
import { getRequest, useStoreForRoutes } from "../../helpers/route-env";
import { postJson, type RouteHandler } from "../../helpers/post-json";
import { createTestStore, type TestStore } from "../../helpers/store";

const OPERATOR = "annotations-operator-token-0123456789";
const AUTH = { authorization: `Bearer ${OPERATOR}` };
let store: TestStore;
type Handler = RouteHandler;
let POST: Handler;
let GET: Handler;
let COMPARE: Handler;
// One minute that every window here is measured from: if a minute boundary passed between the
// inserts, the annotation and the raw counts, each reading its own now() would shift the windows
// by a minute against each other (CI once counted key 40's conflict into "before").
let anchor: Date;
const minutesFromAnchor = (m: number) => new Date(anchor.getTime() + m * 60_000);

const post = (body: unknown, token = OPERATOR) =>
  postJson(POST, "/api/v1/annotations", body, token);

beforeAll(async () => {
  store = await createTestStore();
  useStoreForRoutes(store, { IDEMSCOPE_TOKENS: `ci:operator:${OPERATOR}` });
  const routes = await import("../../../app/api/v1/annotations/route");
  POST = routes.POST as unknown as Handler;
  GET = routes.GET as unknown as Handler;
  COMPARE = (await import("../../../app/api/v1/annotations/[id]/compare/route"))
    .GET as unknown as Handler;
  anchor = (await store.pool.query<{ m: Date }>(`SELECT date_trunc('minute', now()) AS m`)).rows[0]!
    .m;
  // an hour before the deploy: 40 payments, none succeeding twice; the hour after: 40 payments,
  // 4 of them succeeding twice, and 8 conflicts
  await store.pool.query(
    `INSERT INTO ${store.t.events} (at, scope, endpoint, key, kind, response_code, latency_ms, instance)
     SELECT $1::timestamptz - interval '90 minutes' + make_interval(secs => g * 60 + s.o),
            'c', 'POST /v1/payments', 'k-' || g, s.kind, s.code, s.ms, 'test'
       FROM generate_series(0, 79) g
      CROSS JOIN LATERAL (VALUES (0, 'claimed', NULL, NULL), (1, 'completed', 201, CASE WHEN g < 40 THEN 20 ELSE 80 END),
                                 (2, CASE WHEN g >= 40 AND g % 10 = 0 THEN 'completed' END, 201, 30),
                                 (3, CASE WHEN g >= 40 AND g % 5 = 0 THEN 'conflict' END, 409, NULL)) AS s(o, kind, code, ms)
      WHERE s.kind IS NOT NULL`,
    [anchor],
  );
  for (let i = 0; i < 20; i++) if ((await collectBatch(store.ctx())).caughtUp) break;
});
afterAll(() => store.drop());

describe("annotations", () => {
  let id: string;

  it("takes one from an operator token and lists it", async () => {
    const at = minutesFromAnchor(-50).toISOString();
    const res = await post({ text: "deploy payments-api", version: "v142", at });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; at: string; actor: string };
    expect(created).toMatchObject({ at, actor: "token:ci" });
    id = created.id;
    const list = await GET(getRequest("/api/v1/annotations", AUTH), {});
    const items = ((await list.json()) as { items: { id: string; version: string }[] }).items;
    expect(items.map((a) => [a.id, a.version])).toEqual([[id, "v142"]]);
  });

  it("refuses bad bodies with a message that names the problem", async () => {
    const cases: [unknown, string][] = [
      [{}, "text is required"],
      [{ text: "  " }, "text is required"],
      [{ text: "x".repeat(501) }, "at most 500"],
      [{ text: "deploy", at: "yesterday" }, "ISO-8601"],
      [{ text: "deploy", at: new Date(Date.now() + 3_600_000).toISOString() }, "future"],
      [{ text: "deploy", extra: 1 }, "extra"],
      [{ text: "a\u0000b" }, "NUL"],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(await res.json())).toContain(message);
    }
  });

  it("compares the hour before and after with the raw events' numbers", async () => {
    const c = await compareAroundAnnotation(store.ctx(), id, 3600);
    expect(c.resolution).toBe("minute");
    // before: keys 0..39 at minutes -90..-51 → those in [-110, -50) = all 40
    const raw = async (fromMin: number, toMin: number) => {
      const r = await store.pool.query<{ req: number; conflicts: number; dups: number }>(
        `WITH w AS (SELECT * FROM ${store.t.events}
                     WHERE at >= $1 AND at < $2)
         SELECT (SELECT count(*) FROM w WHERE kind IN ('claimed', 'conflict'))::int AS req,
                (SELECT count(*) FROM w WHERE kind = 'conflict')::int AS conflicts,
                (SELECT count(*) FROM w WHERE kind = 'completed') - (SELECT count(DISTINCT key) FROM w WHERE kind = 'completed')::int AS dups`,
        [minutesFromAnchor(-fromMin), minutesFromAnchor(-toMin)],
      );
      return r.rows[0]!;
    };
    const before = await raw(110, 50);
    const after = await raw(50, -10);
    expect(c.before).toMatchObject({ requests: before.req, conflicts: before.conflicts });
    expect(c.after).toMatchObject({ requests: after.req, conflicts: after.conflicts });
    expect(c.before.duplicateSuccessRate).toBe(0);
    expect(c.after.duplicateSuccessRate).toBeCloseTo(after.dups / 40, 9);
    expect(c.after.workLatencyP95Ms!).toBeGreaterThan(c.before.workLatencyP95Ms!);
    expect(c.worse).toEqual(["duplicateSuccessRate", "conflictRate", "workLatencyP95Ms"]);
    // the "after" window so far: fifty minutes and the time since the anchor minute began
    const sinceAt = (Date.now() - minutesFromAnchor(-50).getTime()) / 1000;
    expect(c.afterSeconds).toBeGreaterThanOrEqual(3000);
    expect(Math.abs(c.afterSeconds - sinceAt)).toBeLessThan(2);
  });

  it("answers 404 for an unknown annotation and 400 for a bad id or window", async () => {
    const call = (path: string, idParam: string) =>
      COMPARE(getRequest(path, AUTH), { params: Promise.resolve({ id: idParam }) });
    expect((await call(`/api/v1/annotations/999/compare`, "999")).status).toBe(404);
    expect((await call(`/api/v1/annotations/x/compare`, "x")).status).toBe(400);
    const bad = await call(`/api/v1/annotations/${id}/compare?window=2d`, id);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("window must be one of");
    expect((await call(`/api/v1/annotations/${id}/compare?window=6h`, id)).status).toBe(200);
  });
});
