// Empties idemscope's rollups and the collector's position, as a store connected anew: the next
// collector batch (or history fold) starts from nothing.
import { FOLDED_TABLES } from "../../lib/contract/schema/rollups";
import type { TestStore } from "./store";

export async function resetFold(store: TestStore): Promise<void> {
  for (const table of FOLDED_TABLES) await store.pool.query(`TRUNCATE ${store.t.ownTable(table)}`);
  await store.pool.query(
    `UPDATE ${store.t.ownTable("collector_state")}
        SET watermark = 0, history_hi = NULL, history_lo = NULL, history_total = NULL,
            history_done = 0, history_started_at = NULL, history_finished_at = NULL,
            history_complete_from = NULL, history_limit_reason = NULL
      WHERE id = 1`,
  );
}
