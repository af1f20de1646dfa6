// react-query options and calls of Key search and the key lifecycle page.
import { queryOptions } from "@tanstack/react-query";
import type { KeyLifecycle, KeySearchPage, KeyStatus } from "../api-types/keys";
import { fetchJson } from "./fetch-json";
import { searchString } from "./search-string";

export type KeySearchQuery = {
  key?: string;
  prefix?: string;
  scope?: string;
  endpoint?: string;
  status?: KeyStatus;
  from?: string;
  to?: string;
  cursor?: string;
};

export function keySearchString(q: KeySearchQuery): string {
  return searchString(q);
}

export function keySearchQuery(q: KeySearchQuery) {
  return queryOptions({
    queryKey: ["keys", q] as const,
    queryFn: ({ signal }) =>
      fetchJson<KeySearchPage>(`/api/v1/keys?${keySearchString(q)}`, { signal }),
  });
}

export type IntentAddress = { id: string } | { scope: string; endpoint: string; key: string };

export function lifecycleApiUrl(ref: IntentAddress): string {
  return "id" in ref
    ? `/api/v1/keys/${encodeURIComponent(ref.id)}`
    : `/api/v1/keys/lookup?${searchString(ref)}`;
}

/** The page's stable address: by intent, which outlives the row's id. */
export function lifecyclePageUrl(intent: { scope: string; endpoint: string; key: string }): string {
  // only the address: callers pass whole rows (a hot key's count, a duplicate's reconciliation)
  const { scope, endpoint, key } = intent;
  return `/keys/lookup?${searchString({ scope, endpoint, key })}`;
}

export function lifecycleQuery(ref: IntentAddress) {
  return queryOptions({
    queryKey: ["lifecycle", ref] as const,
    queryFn: ({ signal }) => fetchJson<KeyLifecycle>(lifecycleApiUrl(ref), { signal }),
  });
}

export function postReveal(id: string, reason: string) {
  return fetchJson<{ responseCode: number | null; body: unknown; auditId: string }>(
    `/api/v1/keys/${encodeURIComponent(id)}/reveal`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ reason }),
    },
  );
}

/**
 * Key search over the keys first seen in [from, to) (a chart's bar, a day), optionally of one
 * client: where every time bucket on a chart leads.
 */
export function keysFirstSeenUrl(from: string, to: string, scope?: string): string {
  return `/keys?${searchString({ scope, from, to })}`;
}

/** The keys first seen in the time bucket that starts at `startIso`. */
export function keysFirstSeenInBucket(startIso: string, bucketMs: number, scope?: string): string {
  const to = new Date(Date.parse(startIso) + bucketMs).toISOString();
  return keysFirstSeenUrl(new Date(Date.parse(startIso)).toISOString(), to, scope);
}

/** The keys first seen on a UTC day (YYYY-MM-DD, as the day rollups keep it). */
export function keysFirstSeenOnDay(day: string): string {
  return keysFirstSeenInBucket(`${day}T00:00:00.000Z`, 86_400_000);
}
