// The Overview's stuck-keys chart as its own streamed section: the page paints its numbers at
// once, and this part follows when its query answers (or times out) without holding them back.
import { HydrationBoundary, dehydrate } from "@tanstack/react-query";
import { makeQueryClient } from "@/lib/client/queries/query-client";
import { stuckSeriesQuery } from "@/lib/client/queries/overview";
import { readContext } from "@/lib/contract/context";
import type { Range } from "@/lib/client/range";
import type { RefreshSeconds } from "@/lib/client/refresh";
import { loadStuckSeries, stuckSeriesQuerySchema } from "@/lib/query/views/overview";
import { prefetchView, queryOf } from "@/lib/query/views/view";
import { StuckSeriesCard } from "./stuck-series-card";

export async function StuckSeriesSection({
  range,
  refresh,
  prefetch,
}: {
  range: Range;
  refresh: RefreshSeconds;
  /** false without an identity: the client's own request then says why */
  prefetch: boolean;
}) {
  const queryClient = makeQueryClient();
  if (prefetch)
    await prefetchView(queryClient, stuckSeriesQuery(range).queryKey, "stuck keys chart", () =>
      loadStuckSeries(readContext(), queryOf(stuckSeriesQuerySchema, `range=${range}`)),
    );
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <StuckSeriesCard range={range} refresh={refresh} />
    </HydrationBoundary>
  );
}
