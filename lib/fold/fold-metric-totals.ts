// Adds one batch (its cells: temp tables `batch_cells`, lib/fold/fold-cells.ts, and
// `success_deltas`, lib/fold/fold-intents.ts) to the all-time counters behind /api/metrics,
// in the batch's transaction: counted exactly once.
import type { BatchContext } from "./batch-context";
import { familyOfEvent } from "../contract/schema/metric-totals";

// replays' and claims' latency counters: replay_latency_…, claim_latency_…
const LATENCY_FAMILY = `CASE kind WHEN 'replayed' THEN 'replay' ELSE 'claim' END`;

export async function foldMetricTotals({ db: c, tables: t }: BatchContext): Promise<void> {
  await c.query(
    `INSERT INTO ${t.ownTable("metric_totals")} AS x (family, endpoint, outcome, value)
     SELECT family, endpoint, outcome, sum(v) FROM (
       SELECT f.family, b.endpoint, f.outcome, b.events::float8 AS v
         FROM batch_cells b CROSS JOIN LATERAL (SELECT ${familyOfEvent("b.kind", "b.response_class * 100")}) f
        WHERE f.family IS NOT NULL
       UNION ALL
       SELECT ${LATENCY_FAMILY} || '_latency_bucket', endpoint, le_index::text, events
         FROM batch_cells WHERE kind IN ('replayed', 'claimed') AND le_index IS NOT NULL
       UNION ALL
       SELECT ${LATENCY_FAMILY} || '_latency_sum', endpoint, '', latency_sum / 1000.0
         FROM batch_cells WHERE kind IN ('replayed', 'claimed') AND le_index IS NOT NULL
       UNION ALL
       SELECT 'first_successes', endpoint, '', dfirst FROM success_deltas
       UNION ALL
       SELECT 'duplicate_successes', endpoint, '', ddup FROM success_deltas
     ) d
     GROUP BY 1, 2, 3
     HAVING sum(v) <> 0
     ON CONFLICT (family, endpoint, outcome) DO UPDATE SET value = x.value + excluded.value`,
  );
}
