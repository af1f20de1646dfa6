// react-query options for the Overview, shared by the server prefetch and the page. The page's
// numbers come without the stuck-keys chart, which is a panel of its own (streamed and polled
// apart, so that a slow or locked samples table never holds back the rest).
import { queryOptions } from "@tanstack/react-query";
import type { Overview, StuckSeriesPanel } from "../api-types/overview";
import type { HotKeys } from "../api-types/hot-keys";
import type { RecentErrorKind, RecentErrors } from "../api-types/recent-errors";
import type { Range } from "../range";
import type { RightNow } from "../api-types/right-now";
import { fetchJson } from "./fetch-json";

export const overviewKeys = {
  all: ["overview"] as const,
  range: (range: Range) => ["overview", range] as const,
  stuckSeries: (range: Range) => ["overview", range, "stuck-series"] as const,
  recentErrors: (kind: RecentErrorKind | "all") => ["overview", "errors", kind] as const,
  hotKeys: (range: Range) => ["overview", range, "hot-keys"] as const,
  now: ["overview", "now"] as const,
};

/** The query string the Overview's numbers are fetched with. */
export const overviewSearch = (range: Range) => `range=${range}&omit=stuckSeries`;

export function overviewQuery(range: Range) {
  return queryOptions({
    queryKey: overviewKeys.range(range),
    queryFn: ({ signal }) =>
      fetchJson<Overview>(`/api/v1/overview?${overviewSearch(range)}`, { signal }),
  });
}

export function stuckSeriesQuery(range: Range) {
  return queryOptions({
    queryKey: overviewKeys.stuckSeries(range),
    queryFn: ({ signal }) =>
      fetchJson<StuckSeriesPanel>(`/api/v1/overview/stuck-series?range=${range}`, { signal }),
  });
}

export function recentErrorsQuery(kind: RecentErrorKind | "all") {
  return queryOptions({
    queryKey: overviewKeys.recentErrors(kind),
    queryFn: ({ signal }) =>
      fetchJson<RecentErrors>(`/api/v1/overview/errors?kind=${kind}&limit=25`, { signal }),
  });
}

export function hotKeysQuery(range: Range) {
  return queryOptions({
    queryKey: overviewKeys.hotKeys(range),
    queryFn: ({ signal }) =>
      fetchJson<HotKeys>(`/api/v1/overview/hot-keys?range=${range}&limit=10`, { signal }),
  });
}

/** The "right now" strip: whatever the range, the last 15 minutes and this instant. */
export function rightNowQuery() {
  return queryOptions({
    queryKey: overviewKeys.now,
    queryFn: ({ signal }) => fetchJson<RightNow>("/api/v1/overview/now", { signal }),
  });
}
