// Where the collector's history fold stands (lib/fold/history.ts) and whether it waits because
// the store is under pressure: one row of the collector's state.
import "server-only";
import type { FoldStatus } from "../../client/api-types/fold";
import type { StoreContext } from "../../contract/context";
import { readHistoryProgress } from "../../fold/history";
import { readImportProgress } from "../../ingest/sources/history-import";

export async function getFoldStatus(ctx: StoreContext): Promise<FoldStatus> {
  const [events, rows, paused] = await Promise.all([
    readHistoryProgress(ctx),
    readImportProgress(ctx),
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
  // captured events folded first, then the rows the library's table held before capture
  const history: FoldStatus["history"] =
    events && (!events.finishedAt || !rows)
      ? { ...events, unit: "events" }
      : rows
        ? { ...rows, unit: "rows" }
        : null;
  return {
    history,
    provisional: history !== null && history.finishedAt === null,
    // (a rebuild before this history ended was of an earlier one: a source connected again)
    indexesRebuiltAt:
      history?.finishedAt && p?.rebuilt && p.rebuilt >= new Date(history.finishedAt)
        ? p.rebuilt.toISOString()
        : null,
    memoryRebuiltAt: p?.memory?.toISOString() ?? null,
    limited: history !== null && history.finishedAt === null ? (p?.limited ?? null) : null,
    paused: p?.reason && p.since ? { reason: p.reason, since: p.since.toISOString() } : null,
  };
}
