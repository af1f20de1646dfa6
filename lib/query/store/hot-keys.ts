// The Overview's "Hot keys" (docs/store-contract.md): the intents with the most requests in the
// range, from the rows the collector keeps for intents with HOT_REQUESTS requests or more
// (lib/fold/fold-hot-intents.ts): an index range of those rows, never the events table.
import "server-only";
import type { HotKeys } from "../../client/api-types/hot-keys";
import type { StoreContext } from "../../contract/context";
import { HOT_REQUESTS } from "../../fold/fold-hot-intents";
import { sourceSummary } from "../../ingest/sources/summary";
import { RANGE_SECONDS, RESOLUTION_SECONDS, type Range } from "../../client/range";

/** What each range reads: minute rows up to an hour, hour rows up to the week they keep. */
const READS: Record<Range, { covered: Range; resolution: "minute" | "hour" }> = {
  "15m": { covered: "15m", resolution: "minute" },
  "1h": { covered: "1h", resolution: "minute" },
  "6h": { covered: "6h", resolution: "hour" },
  "24h": { covered: "24h", resolution: "hour" },
  "7d": { covered: "7d", resolution: "hour" },
  "30d": { covered: "7d", resolution: "hour" },
  "90d": { covered: "7d", resolution: "hour" },
};

export async function listHotKeys(
  ctx: StoreContext,
  q: { range: Range; limit: number },
  now = Date.now(),
): Promise<HotKeys> {
  const { covered, resolution } = READS[q.range];
  const step = RESOLUTION_SECONDS[resolution] * 1000;
  // whole buckets that start inside the range, as the Overview's other numbers
  const from = new Date(Math.ceil((now - RANGE_SECONDS[covered] * 1000) / step) * step);
  const r = await ctx.db.query<{ scope: string; endpoint: string; key: string; requests: number }>(
    `SELECT h.scope, h.endpoint, h.key, top.requests
       FROM (SELECT intent, sum(requests)::float8 AS requests
               FROM ${ctx.tables.ownTable("hot_intent_buckets")}
              WHERE resolution = $1 AND bucket >= $2
              GROUP BY intent
              ORDER BY 2 DESC, intent
              LIMIT $3) top
       JOIN ${ctx.tables.ownTable("hot_intents")} h USING (intent)
      ORDER BY top.requests DESC, h.scope, h.endpoint, h.key`,
    [resolution, from, q.limit],
  );
  const blind = sourceSummary(ctx).notCaptured;
  const notCounted: HotKeys["notCounted"] = {};
  for (const kind of ["replays", "conflicts", "mismatches"] as const) {
    if (blind[kind]) notCounted[kind] = blind[kind];
  }
  return {
    range: q.range,
    coveredRange: covered,
    from: from.toISOString(),
    resolution,
    threshold: HOT_REQUESTS,
    notCounted,
    keys: r.rows,
  };
}
