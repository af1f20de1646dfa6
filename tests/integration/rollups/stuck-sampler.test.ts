import { afterAll, beforeAll, expect, it } from "vitest";
import { parseConfig } from "../../../lib/core/config";
import { sampleStuckKeys } from "../../../lib/fold/stuck-sampler";
import { getOverview } from "../../../lib/query/store/overview";
import { insertKey } from "../../helpers/events";
import { createTestStore, type TestStore } from "../../helpers/store";

let store: TestStore;
beforeAll(async () => {
  store = await createTestStore();
});
afterAll(() => store.drop());

it("samples the stuck count (zero too) and keeps each bucket's highest, which the Overview charts", async () => {
  const cfg = parseConfig({});
  await sampleStuckKeys(store.ctx(cfg));
  for (let i = 0; i < 3; i++)
    await insertKey(store.pool, store.t, {
      endpoint: "POST /v1/a",
      key: `a${i}`,
      status: "in_progress",
      lockedSecondsAgo: 900,
    });
  await insertKey(store.pool, store.t, {
    endpoint: "POST /v1/b",
    key: "b",
    status: "in_progress",
    lockedSecondsAgo: 900,
  });
  await sampleStuckKeys(store.ctx(cfg));
  await store.pool.query(`DELETE FROM ${store.t.keys} WHERE key = 'b'`);
  await sampleStuckKeys(store.ctx(cfg)); // 3 now, but the bucket keeps 4
  const rows = await store.pool.query<{ resolution: string; endpoint: string; stuck: number }>(
    `SELECT resolution, endpoint, stuck FROM ${store.t.ownTable("stuck_samples")} ORDER BY 1, 2`,
  );
  const minute = rows.rows.filter((r) => r.resolution === "minute");
  expect(minute).toEqual([
    { resolution: "minute", endpoint: "*", stuck: 4 },
    { resolution: "minute", endpoint: "POST /v1/a", stuck: 3 },
    { resolution: "minute", endpoint: "POST /v1/b", stuck: 1 },
  ]);
  expect(rows.rows.filter((r) => r.endpoint === "*").map((r) => r.resolution)).toEqual([
    "day",
    "hour",
    "minute",
  ]);
  const overview = await getOverview(store.ctx(cfg), "15m");
  const sampled = overview.stuckSeries!.filter((p) => p.stuck !== null);
  expect(sampled).toHaveLength(1);
  expect(sampled[0]!.stuck).toBe(4);
  expect(overview.stuckSeries!.length).toBeGreaterThanOrEqual(15);
  expect(overview.stuckKeys).toBe(3);
});
