// Adds one batch (temp tables `batch` and `success_deltas`, lib/rollups/collect-batch.ts) to the
// all-time counters behind /api/metrics, in the batch's transaction: counted exactly once.
import type { StoreContext } from "../db/context";
import type { PoolClient } from "pg";
import { familyOfEvent } from "../schema/metric-totals";
import { LATENCY_BOUNDS_MS } from "./histograms";

export async function foldMetricTotals(ctx: StoreContext<PoolClient>): Promise<void> {
  const { db: c, tables: t } = ctx;
  await c.query(
    `INSERT INTO ${t.ownTable("metric_totals")} AS x (family, endpoint, outcome, value)
     SELECT family, endpoint, outcome, sum(v) FROM (
       SELECT f.family, b.endpoint, f.outcome, 1::float8 AS v
         FROM batch b CROSS JOIN LATERAL (SELECT ${familyOfEvent("b.kind", "b.response_code")}) f
        WHERE f.family IS NOT NULL
       UNION ALL
       SELECT 'replay_latency_bucket', endpoint, width_bucket(latency_ms, $1::float8[])::text, 1
         FROM batch WHERE kind = 'replayed' AND latency_ms IS NOT NULL
       UNION ALL
       SELECT 'replay_latency_sum', endpoint, '', latency_ms / 1000.0
         FROM batch WHERE kind = 'replayed' AND latency_ms IS NOT NULL
       UNION ALL
       SELECT 'claim_latency_bucket', endpoint, width_bucket(latency_ms, $1::float8[])::text, 1
         FROM batch WHERE kind = 'claimed' AND latency_ms IS NOT NULL
       UNION ALL
       SELECT 'claim_latency_sum', endpoint, '', latency_ms / 1000.0
         FROM batch WHERE kind = 'claimed' AND latency_ms IS NOT NULL
       UNION ALL
       SELECT 'first_successes', endpoint, '', dfirst FROM success_deltas
       UNION ALL
       SELECT 'duplicate_successes', endpoint, '', ddup FROM success_deltas
     ) d
     GROUP BY 1, 2, 3
     HAVING sum(v) <> 0
     ON CONFLICT (family, endpoint, outcome) DO UPDATE SET value = x.value + excluded.value`,
    [LATENCY_BOUNDS_MS],
  );
}
