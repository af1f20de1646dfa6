// What every step of a batch (lib/fold/pipeline.ts) is handed: the batch's transaction and
// tables, how long each grain is kept, and which events earlier batches folded.
import type { PoolClient } from "pg";
import type { StoreContext } from "../contract/context";
import type { Keep } from "../contract/grains";
import type { FoldedSoFar } from "../contract/vocabulary";

export type BatchContext = StoreContext<PoolClient> & {
  keep: Keep;
  folded: FoldedSoFar;
  /**
   * A history batch: day rows of the days still incomplete after it (midnight before `from`, the
   * fold's complete-from time after this batch; every day when null) are staged in
   * history_client_days (lib/fold/staged-client-days.ts). Null: nothing staged (a live batch,
   * or the history's last).
   */
  stageClientDays: { from: Date | null } | null;
  /**
   * SQL of the batch's intents, one row each in PER_INTENT_COLUMNS (lib/contract/vocabulary.ts),
   * when its source already has them (a library's import: one row, one intent); classification
   * groups the events into intents otherwise.
   */
  intents?: string;
};
