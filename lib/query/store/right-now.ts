// The Overview's "right now" strip (issue #34): the three things an on-call engineer acts on,
// whatever the page's range, each from a small table (the minute rollup of successes, the keys in
// progress, the duplicate intents): never the events.
import "server-only";
import type { RightNow } from "../../client/api-types/right-now";
import type { StoreContext } from "../../contract/context";
import { openDuplicates, overdueBefore } from "./reconciliation";
import { stuckKeysByEndpoint } from "./stuck";

export async function getRightNow(ctx: StoreContext): Promise<RightNow> {
  const { db, tables: t } = ctx;
  const [duplicates, stuck, open] = await Promise.all([
    db.query<{ n: number }>(
      `SELECT coalesce(sum(duplicate_successes), 0)::int AS n
         FROM ${t.ownTable("rollup_successes")}
        WHERE resolution = 'minute' AND bucket >= date_trunc('minute', now()) - interval '14 minutes'`,
    ),
    t.source.capture.readsStore ? stuckKeysByEndpoint(ctx) : [],
    openDuplicates(db, t, overdueBefore(ctx.config)),
  ]);
  return {
    duplicates15m: duplicates.rows[0]?.n ?? 0,
    // spans alone see no key's state: no claim of "no stuck key"
    stuck: t.source.capture.readsStore
      ? {
          count: stuck.reduce((s, e) => s + e.stuck, 0),
          oldestSeconds: stuck.length ? Math.max(...stuck.map((e) => e.oldestAgeSeconds)) : null,
        }
      : null,
    overdue: { count: open.overdue, withinHours: ctx.config.reconcileWithinHours },
    generatedAt: new Date().toISOString(),
  };
}
