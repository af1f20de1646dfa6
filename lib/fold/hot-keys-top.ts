// The hot keys of a range (the Overview's "Hot keys", lib/query/store/hot-keys.ts): the intents
// with the most requests, summed from the rows kept for intents with HOT_REQUESTS requests or more.
// Up to an hour that is a few minute rows; over hours and a week, every hot intent's hour rows,
// which grow with how many intents are hot (a week of 90 k hot intents took 62 ms a poll). So the
// collector ranks those ranges (6 h every 15 s, a day every minute, a week every five), and the
// Overview reads the ranking.
import type { Pool } from "pg";
import type { StoreContext } from "../contract/context";
import type { Queryable } from "../contract/context";
import type { TableNames } from "../contract/tables";
import { inTransaction } from "../db/pool";
import { RANGE_SECONDS, RESOLUTION_SECONDS, type Range } from "../client/range";

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

/** The ranges the collector ranks (those read from hour rows), and how many it keeps of each. */
export const RANKED_RANGES = ["6h", "24h", "7d"] as const satisfies readonly Range[];
export const RANKED_KEEP = 100;
/**
 * How old a range's ranking may grow before the job ranks it again: a week's sums read every hot
 * intent's hour rows (0.8 s a ranking at 10 M keys with 1.1 M hot intents), and a week's order
 * hardly moves in minutes. (The job itself runs every 15 s.)
 */
const RANK_AFTER_MS: Record<(typeof RANKED_RANGES)[number], number> = {
  "6h": 0,
  "24h": 60_000,
  "7d": 300_000,
};

export type HotWindow = { covered: Range; resolution: "minute" | "hour"; from: Date };

/** The rows a range reads: whole buckets that start inside it, as the Overview's other numbers. */
export function hotWindow(range: Range, now = Date.now()): HotWindow {
  const { covered, resolution } = READS[range];
  const step = RESOLUTION_SECONDS[resolution] * 1000;
  return {
    covered,
    resolution,
    from: new Date(Math.ceil((now - RANGE_SECONDS[covered] * 1000) / step) * step),
  };
}

/** The `limit` intents with the most requests in the window, summed from their rows. */
export async function sumHotIntents(
  db: Queryable,
  t: TableNames,
  w: HotWindow,
  limit: number,
): Promise<{ intent: string; requests: number }[]> {
  const r = await db.query<{ intent: string; requests: number }>(
    `SELECT intent::text, sum(requests)::float8 AS requests
       FROM ${t.ownTable("hot_intent_buckets")}
      WHERE resolution = $1 AND bucket >= $2
      GROUP BY intent
      ORDER BY 2 DESC, intent
      LIMIT $3`,
    [w.resolution, w.from, limit],
  );
  return r.rows;
}

/**
 * Ranks the hour-row ranges again (a collector job), each once its ranking is older than
 * RANK_AFTER_MS, or all of them when `all`.
 */
export async function refreshHotKeyTops(
  ctx: StoreContext<Pool>,
  o: { all?: boolean } = {},
): Promise<void> {
  const r = ctx.tables.ownTable;
  const ranked = await ctx.db.query<{ range: string; age_ms: number }>(
    `SELECT range, extract(epoch FROM now() - computed_at)::float8 * 1000 AS age_ms
       FROM ${r("hot_intent_top_state")}`,
  );
  const ageOf = new Map(ranked.rows.map((x) => [x.range, x.age_ms]));
  for (const range of RANKED_RANGES) {
    if (!o.all && (ageOf.get(range) ?? Infinity) < RANK_AFTER_MS[range]) continue;
    const w = hotWindow(range);
    await inTransaction(ctx.db, async (c) => {
      const top = await sumHotIntents(c, ctx.tables, w, RANKED_KEEP);
      await c.query(`DELETE FROM ${r("hot_intent_top")} WHERE range = $1`, [range]);
      await c.query(
        `INSERT INTO ${r("hot_intent_top")} (range, rank, intent, requests)
         SELECT $1, ord, intent::uuid, requests
           FROM unnest($2::text[], $3::float8[]) WITH ORDINALITY AS x(intent, requests, ord)`,
        [range, top.map((x) => x.intent), top.map((x) => x.requests)],
      );
      await c.query(
        `INSERT INTO ${r("hot_intent_top_state")} (range, range_from, computed_at)
         VALUES ($1, $2, now())
         ON CONFLICT (range) DO UPDATE SET range_from = excluded.range_from,
           computed_at = excluded.computed_at`,
        [range, w.from],
      );
    });
  }
}
