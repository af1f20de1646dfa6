// Shared polling: identical dashboard queries from many viewers within one refresh interval run
// once on the database. Single-flight (concurrent callers share the pending promise) plus a
// short cache; failures are not cached, so the next poll retries at once.
import "server-only";

type Entry = { startedAt: number; settled: boolean; promise: Promise<unknown> };

const MAX_ENTRIES = 500;
const globalForCache = globalThis as unknown as { idemscopeSharedCache?: Map<string, Entry> };
const cache = (globalForCache.idemscopeSharedCache ??= new Map());

export function sharedQuery<T>(key: string, ttlMs: number, run: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && (!hit.settled || now - hit.startedAt < ttlMs)) return hit.promise as Promise<T>;
  const entry: Entry = { startedAt: now, settled: false, promise: run() };
  entry.promise.then(
    () => (entry.settled = true),
    () => {
      entry.settled = true;
      if (cache.get(key) === entry) cache.delete(key);
    },
  );
  cache.delete(key); // re-insert at the end: the Map's order is the eviction order
  cache.set(key, entry);
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  return entry.promise as Promise<T>;
}

/**
 * Drops cached results whose key starts with one of `prefixes`: after a change in this process
 * its lists show it at once (other replicas within their TTL).
 */
export function forgetShared(...prefixes: string[]): void {
  for (const key of [...cache.keys()]) {
    if (prefixes.some((p) => key.startsWith(p))) cache.delete(key);
  }
}
