// The batch (temp table `batch`, lib/fold/collect-batch.ts) summed once into cells: per finest
// kept grain, endpoint, kind, response class and latency bucket (lib/contract/grains.ts). The
// request, latency and all-time counters are summed from the cells, a few hundred rows a minute
// of traffic, instead of from every event once per resolution.
import type { BatchContext } from "./batch-context";
import { bucketAt, binOf, grainOf, RESOLUTION_RANKS } from "../contract/grains";
import { LATENCY_BOUNDS_MS } from "../contract/histograms";
import { fillWorkTable } from "./work-tables";

export async function sumBatchCells({ db: c, keep }: BatchContext): Promise<void> {
  await fillWorkTable(
    c,
    "batch_cells",
    `SELECT grain, ${binOf("grain", "at")} AS bucket, endpoint, kind, response_class, le_index,
            count(*)::bigint AS events, sum(latency_ms) AS latency_sum
       FROM (SELECT ${grainOf(keep, "at")} AS grain, at, endpoint, kind,
                    coalesce(response_code / 100, 0) AS response_class,
                    width_bucket(latency_ms, $1::float8[]) AS le_index, latency_ms
               FROM batch) b
      GROUP BY grain, bucket, endpoint, kind, response_class, le_index`,
    [LATENCY_BOUNDS_MS],
  );
}

/** Request counts per resolution, endpoint, kind and response class. */
export async function foldEvents({ db: c, tables: t }: BatchContext): Promise<void> {
  await c.query(
    `INSERT INTO ${t.ownTable("rollup_events")} AS x (resolution, bucket, endpoint, kind, response_class, events)
     SELECT r.res, ${bucketAt("b")}, b.endpoint, b.kind, b.response_class, sum(b.events)
       FROM batch_cells b JOIN ${RESOLUTION_RANKS} ON r.rank >= b.grain
      GROUP BY 1, 2, 3, 4, 5
     ON CONFLICT (resolution, bucket, endpoint, kind, response_class)
     DO UPDATE SET events = x.events + excluded.events`,
  );
}

/** Latency histograms of replays, claims and completions. */
export async function foldLatency({ db: c, tables: t }: BatchContext): Promise<void> {
  await c.query(
    `INSERT INTO ${t.ownTable("rollup_latency")} AS x (resolution, bucket, endpoint, kind, le_index, events)
     SELECT r.res, ${bucketAt("b")}, b.endpoint, b.kind, b.le_index, sum(b.events)
       FROM batch_cells b JOIN ${RESOLUTION_RANKS} ON r.rank >= b.grain
      WHERE b.le_index IS NOT NULL AND b.kind IN ('replayed', 'completed', 'failed', 'claimed')
      GROUP BY 1, 2, 3, 4, 5
     ON CONFLICT (resolution, bucket, endpoint, kind, le_index)
     DO UPDATE SET events = x.events + excluded.events`,
  );
}
