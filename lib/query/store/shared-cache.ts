// Shared polling: identical dashboard queries from many viewers within one refresh interval run
// once on the database. Single-flight (concurrent callers share the pending promise) plus a
// short cache; failures are not cached, so the next poll retries at once. The cache is bounded
// by the bytes of its results, not by entries: a few wide results (90-day series, 500-row
// pages with many filters) could otherwise hold far more memory than a count suggests.
import "server-only";
import { config } from "../../core/config";

type Entry = { startedAt: number; settled: boolean; bytes: number; promise: Promise<unknown> };

/** Used when the configuration cannot be read (the routes then fail on it anyway). */
const DEFAULT_MAX_BYTES = 32 * 2 ** 20;

type CacheState = { entries: Map<string, Entry>; bytes: number };
const globalForCache = globalThis as unknown as { idemscopeSharedCache?: CacheState };
const state = (globalForCache.idemscopeSharedCache ??= { entries: new Map(), bytes: 0 });
const cache = state.entries;

function maxBytes(): number {
  try {
    return config().cacheMaxBytes;
  } catch {
    return DEFAULT_MAX_BYTES;
  }
}

/** Size of a result as JSON text (what it costs to keep, near enough, and what is sent). */
function sizeOf(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");
  } catch {
    return 1024;
  }
}

function remove(key: string, entry: Entry): void {
  if (cache.get(key) !== entry) return;
  cache.delete(key);
  state.bytes -= entry.bytes;
}

/** Oldest first (the Map's order), until the results fit. */
function evict(limit: number): void {
  for (const [key, entry] of cache) {
    if (state.bytes <= limit) return;
    if (entry.settled) remove(key, entry);
  }
}

export function sharedQuery<T>(key: string, ttlMs: number, run: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && (!hit.settled || now - hit.startedAt < ttlMs)) return hit.promise as Promise<T>;
  if (hit) remove(key, hit);
  const entry: Entry = { startedAt: now, settled: false, bytes: 0, promise: run() };
  entry.promise.then(
    (value) => {
      entry.settled = true;
      if (cache.get(key) !== entry) return;
      const limit = maxBytes();
      entry.bytes = sizeOf(value);
      state.bytes += entry.bytes;
      // one result larger than a quarter of the budget is served but not kept
      if (entry.bytes > limit / 4) remove(key, entry);
      else evict(limit);
    },
    () => {
      entry.settled = true;
      remove(key, entry);
    },
  );
  cache.set(key, entry); // at the end: the Map's order is the eviction order
  return entry.promise as Promise<T>;
}

/**
 * Drops cached results whose key starts with one of `prefixes`: after a change in this process
 * its lists show it at once (other replicas within their TTL).
 */
export function forgetShared(...prefixes: string[]): void {
  for (const [key, entry] of [...cache]) {
    if (prefixes.some((p) => key.startsWith(p))) remove(key, entry);
  }
}

/** What the cache holds now, for /api/metrics. */
export function sharedCacheSize(): { entries: number; bytes: number } {
  return { entries: cache.size, bytes: state.bytes };
}
