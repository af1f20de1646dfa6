// Where the collector's history fold stands (lib/fold/history.ts) and whether it waits because
// the store is under pressure: one row of the collector's state.
import "server-only";
import type { FoldStatus } from "../../client/api-types/fold";
import type { StoreContext } from "../../contract/context";
import { readHistoryProgress } from "../../fold/history";

export async function getFoldStatus(ctx: StoreContext): Promise<FoldStatus> {
  const [history, paused] = await Promise.all([
    readHistoryProgress(ctx),
    ctx.db.query<{
      reason: string | null;
      since: Date | null;
      rebuilt: Date | null;
      memory: Date | null;
      limited: string | null;
    }>(
      `SELECT paused_reason AS reason, paused_since AS since, history_compacted_at AS rebuilt,
              memory_rebuilt_at AS memory, history_limit_reason AS limited
         FROM ${ctx.tables.ownTable("collector_state")} WHERE id = 1`,
    ),
  ]);
  const p = paused.rows[0];
  return {
    history,
    provisional: history !== null && history.finishedAt === null,
    indexesRebuiltAt: history?.finishedAt ? (p?.rebuilt?.toISOString() ?? null) : null,
    memoryRebuiltAt: p?.memory?.toISOString() ?? null,
    limited: history !== null && history.finishedAt === null ? (p?.limited ?? null) : null,
    paused: p?.reason && p.since ? { reason: p.reason, since: p.since.toISOString() } : null,
  };
}
