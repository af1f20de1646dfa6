// The shared polling cache is bounded by the bytes of its results, not by their number.
import { beforeAll, expect, it } from "vitest";

let cacheModule: typeof import("../../lib/query/store/shared-cache");

beforeAll(async () => {
  process.env.IDEMSCOPE_CACHE_MAX_BYTES = "100KiB";
  cacheModule = await import("../../lib/query/store/shared-cache");
});

const result = (kb: number) => ({ rows: "x".repeat(kb * 1024 - 11) }); // ≈ kb KiB as JSON

it("keeps results within the byte budget, evicting the oldest first", async () => {
  const { sharedQuery, sharedCacheSize } = cacheModule;
  for (let i = 0; i < 50; i++) await sharedQuery(`page:${i}`, 60_000, async () => result(10));
  const size = sharedCacheSize();
  expect(size.bytes).toBeLessThanOrEqual(100 * 1024);
  expect(size.bytes).toBeGreaterThan(80 * 1024);
  expect(size.entries).toBe(Math.floor(size.bytes / (10 * 1024)));
  // the newest are served from the cache, the oldest were evicted and run again
  let runs = 0;
  await sharedQuery("page:49", 60_000, async () => (runs++, result(10)));
  expect(runs).toBe(0);
  await sharedQuery("page:0", 60_000, async () => (runs++, result(10)));
  expect(runs).toBe(1);
});

it("serves a result larger than a quarter of the budget without keeping it", async () => {
  const { sharedQuery, sharedCacheSize } = cacheModule;
  const before = sharedCacheSize();
  const big = await sharedQuery("wide", 60_000, async () => result(40));
  expect(big.rows.length).toBeGreaterThan(40_000);
  expect(sharedCacheSize()).toEqual(before);
});

it("forgets what a change makes stale, and counts the bytes down", async () => {
  const { sharedQuery, sharedCacheSize, forgetShared } = cacheModule;
  await sharedQuery("stuck:a", 60_000, async () => result(5));
  const withIt = sharedCacheSize().bytes;
  forgetShared("stuck:");
  expect(sharedCacheSize().bytes).toBe(withIt - 5 * 1024);
});
