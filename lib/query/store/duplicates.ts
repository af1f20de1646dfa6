// The most recent intents that succeeded more than once: the collector keeps their names apart
// from its per-intent memory (lib/fold/fold-intents.ts), so this reads a few rows.
import "server-only";
import type { StoreContext } from "../../contract/context";
import type { RecentDuplicate } from "../../client/api-types/keys";

export async function listRecentDuplicates(
  ctx: StoreContext,
  limit = 20,
): Promise<RecentDuplicate[]> {
  const { db, tables: t } = ctx;
  const r = await db.query<Omit<RecentDuplicate, "firstRequestAt"> & { firstRequestAt: Date }>(
    `SELECT scope, endpoint, key, successes, first_request_at AS "firstRequestAt"
       FROM ${t.ownTable("duplicate_intents")}
      ORDER BY first_request_at DESC
      LIMIT $1`,
    [limit],
  );
  return r.rows.map((d) => ({ ...d, firstRequestAt: d.firstRequestAt.toISOString() }));
}
