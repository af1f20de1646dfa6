// Folding an existing store's history newest first (lib/fold/history.ts): where the fold
// stands, how much is left, and whether it waits because the store is under pressure.
import type { TableNames } from "../tables";

export function historyStatements(t: TableNames): string[] {
  return [
    `ALTER TABLE ${t.ownTable("collector_state")}
       -- events with ids in (history_lo, history_hi] are not folded yet; NULL: not begun
       ADD COLUMN history_hi            bigint,
       ADD COLUMN history_lo            bigint,
       ADD COLUMN history_total         bigint,
       ADD COLUMN history_done          bigint NOT NULL DEFAULT 0,
       ADD COLUMN history_started_at    timestamptz,
       ADD COLUMN history_finished_at   timestamptz,
       -- every event at or after this time is folded (the oldest folded so far)
       ADD COLUMN history_complete_from timestamptz,
       -- why the collector waits (the store under pressure), NULL while it works
       ADD COLUMN paused_reason         text,
       ADD COLUMN paused_since          timestamptz`,
  ];
}

/** When the indexes a finished history fold filled were rebuilt (lib/fold/compact-indexes.ts). */
export function historyCompactionStatements(t: TableNames): string[] {
  return [
    `ALTER TABLE ${t.ownTable("collector_state")} ADD COLUMN history_compacted_at timestamptz`,
  ];
}

/**
 * Per-client day rows of history batches, staged (lib/fold/staged-client-days.ts): each
 * history batch would otherwise upsert every client's day rows again (tens of thousands of
 * upserts a batch); they are appended here, without an index, and summed into rollup_clients
 * once their day is folded. Empty but while a history fold is under way.
 */
export function historyStagingStatements(t: TableNames): string[] {
  return [
    `CREATE TABLE ${t.ownTable("history_client_days")} (
       bucket     timestamptz NOT NULL,
       client     integer     NOT NULL,
       endpoint   smallint    NOT NULL,
       requests   integer     NOT NULL,
       claimed    integer     NOT NULL,
       reclaimed  integer     NOT NULL,
       replayed   integer     NOT NULL,
       conflicts  integer     NOT NULL,
       mismatches integer     NOT NULL,
       keys       integer     NOT NULL
     )`,
  ];
}

/** Why the history fold is rate-limited now, for the pages (lib/fold/history-folder.ts). */
export function historyLimitStatements(t: TableNames): string[] {
  return [`ALTER TABLE ${t.ownTable("collector_state")} ADD COLUMN history_limit_reason text`];
}
