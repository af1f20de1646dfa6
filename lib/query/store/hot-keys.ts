// The Overview's "Hot keys" (docs/store-contract.md): the intents with the most requests in the
// range, from the rows the collector keeps for intents with HOT_REQUESTS requests or more
// (lib/fold/fold-hot-intents.ts), never the events table: summed here up to an hour, and over
// hours and a week as the collector last ranked them (lib/fold/hot-keys-top.ts).
import "server-only";
import type { HotKeys } from "../../client/api-types/hot-keys";
import type { StoreContext } from "../../contract/context";
import { HOT_REQUESTS } from "../../fold/fold-hot-intents";
import { sourceSummary } from "../../ingest/sources/summary";
import type { Range } from "../../client/range";
import { hotWindow, RANKED_RANGES, sumHotIntents } from "../../fold/hot-keys-top";

/** A ranking older than this (a collector that stopped) is not used: the rows are summed here. */
const RANKING_MAX_AGE_SECONDS = 120;

export async function listHotKeys(
  ctx: StoreContext,
  q: { range: Range; limit: number },
  now = Date.now(),
): Promise<HotKeys> {
  const w = hotWindow(q.range, now);
  const t = ctx.tables;
  // the hour-row ranges as the collector last ranked them (lib/fold/hot-keys-top.ts)
  const ranked = (RANKED_RANGES as readonly Range[]).includes(w.covered)
    ? await ctx.db.query<{ from: Date; asOf: Date }>(
        `SELECT range_from AS from, computed_at AS "asOf" FROM ${t.ownTable("hot_intent_top_state")}
          WHERE range = $1 AND computed_at > now() - make_interval(secs => $2)`,
        [w.covered, RANKING_MAX_AGE_SECONDS],
      )
    : null;
  const state = ranked?.rows[0];
  const top = state
    ? (
        await ctx.db.query<{ intent: string; requests: number }>(
          `SELECT intent::text, requests FROM ${t.ownTable("hot_intent_top")}
            WHERE range = $1 ORDER BY rank LIMIT $2`,
          [w.covered, q.limit],
        )
      ).rows
    : await sumHotIntents(ctx.db, t, w, q.limit);
  const names = await ctx.db.query<{
    intent: string;
    scope: string;
    endpoint: string;
    key: string;
  }>(
    `SELECT intent::text, scope, endpoint, key FROM ${t.ownTable("hot_intents")}
      WHERE intent = ANY($1::uuid[])`,
    [top.map((x) => x.intent)],
  );
  const nameOf = new Map(names.rows.map((n) => [n.intent, n]));
  const keys = top
    .flatMap((x) => {
      const n = nameOf.get(x.intent);
      return n ? [{ scope: n.scope, endpoint: n.endpoint, key: n.key, requests: x.requests }] : [];
    })
    .sort(
      (a, b) =>
        b.requests - a.requests ||
        a.scope.localeCompare(b.scope) ||
        a.endpoint.localeCompare(b.endpoint) ||
        a.key.localeCompare(b.key),
    );
  const blind = sourceSummary(ctx).notCaptured;
  const notCounted: HotKeys["notCounted"] = {};
  for (const kind of ["replays", "conflicts", "mismatches"] as const) {
    if (blind[kind]) notCounted[kind] = blind[kind];
  }
  return {
    range: q.range,
    coveredRange: w.covered,
    from: (state?.from ?? w.from).toISOString(),
    resolution: w.resolution,
    asOf: state?.asOf.toISOString() ?? null,
    threshold: HOT_REQUESTS,
    notCounted,
    keys,
  };
}
