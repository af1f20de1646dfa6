// The per-intent part of a collector batch (temp table `batch`, lib/fold/collect-batch.ts):
// the intent memory that makes duplicate successes exact (retry delays and the per-client rows
// are in lib/fold/fold-requests.ts). The memory keeps, per intent, a 128-bit
// hash of (client, endpoint, key) and when its first request and first success were — nothing
// wider (docs/performance.md, "Footprint"); the few intents that succeeded twice keep their names
// in duplicate_intents, for the pages that list them.
import type { BatchContext } from "./batch-context";
import {
  intentHash,
  isEarlier,
  isSuccess,
  PER_INTENT_COLUMNS,
  perIntentAggregate,
} from "../contract/vocabulary";
import { bucketAt, binOf, fromMicros, grainOf, RESOLUTION_RANKS } from "../contract/grains";
import { assertIntentMemory } from "./intent-memory";
import { fillWorkTable } from "./work-tables";
import { hasImportedIntents, rememberedBefore } from "./imported-intents";

/**
 * Each intent of the batch (temp table `touched`) beside what the memory knew of it (and what a
 * library's imported rows said, packed: ./imported-intents.ts). A success
 * that is not its intent's first (ordered by at, then id) is a duplicate; when a late-arriving
 * event turns out to be earlier than the recorded first success, the recorded one becomes the
 * duplicate instead. The same holds for the first request (keys per client, retry delays). So
 * batches may come in any order: history folded newest first ends exact.
 */
export async function classifyIntents({
  db: c,
  tables: t,
  keep,
  intents,
}: BatchContext): Promise<void> {
  const memory = t.ownTable("intent_memory");
  // a crash empties the memory (it is unlogged): never fold against it before it is rebuilt
  await assertIntentMemory(c, t.ownTable("intent_memory_marker"));
  // what a library's imported rows said, packed when the import ended (./imported-intents.ts):
  // looked up only once there is any (never on the contract, nor while the import runs)
  const before = rememberedBefore(t, {
    withImported: await hasImportedIntents(c, t),
    horizonDays: keep.intents ?? null,
  });
  // The memory is read and written by its primary key, an index probe per intent of the batch:
  // the planner, blind to the size of the batch's temp tables, hashed the whole memory (millions
  // of rows) for every batch. Hash joins stay off until the memory is written.
  await c.query("SET LOCAL enable_hashjoin = off");
  // per intent of the batch, by hashing (no sort of three text columns): its first request and
  // first success as [microseconds, id] (the smallest array is the earliest, ties by id); or as
  // the batch's source has them (a library's import, a row an intent: classifying 1 M imported
  // rows took 5.4 s grouped from their events, 1.8 s so)
  const perIntent =
    intents ??
    `SELECT ${intentHash()} AS intent, scope, endpoint, key,
            ${fromMicros("breq[1]")} AS breq_at, breq[2] AS breq_id,
            ${fromMicros("bfirst[1]")} AS bfirst_at, bfirst[2] AS bfirst_id, oks, reqs
       FROM (${perIntentAggregate("batch")}) agg`;
  await fillWorkTable(
    c,
    "touched",
    `-- materialized: the hash (about 1 µs an intent) is computed once, not again for the probe;
     -- and sorted, so that neighbouring probes read the same index pages (a fifth to a third
     -- faster in all, measured on 370 k-event batches: docs/performance.md)
     WITH per AS MATERIALIZED (SELECT ${PER_INTENT_COLUMNS} FROM (${perIntent}) i ORDER BY intent),
     merged AS (
       SELECT per.*, i.intent IS NOT NULL AS known, ${before.columns}
         FROM per LEFT JOIN ${memory} i ON i.intent = per.intent ${before.join}),
     joined AS (
       SELECT *,
              old_first_id IS NOT NULL AND ${isEarlier("bfirst_at", "bfirst_id", "old_first_at", "old_first_id")} AS displaced,
              old_req_id IS NOT NULL AND ${isEarlier("breq_at", "breq_id", "old_req_at", "old_req_id")} AS req_displaced
         FROM merged)
     SELECT *,
            CASE WHEN old_req_id IS NULL OR req_displaced THEN breq_at ELSE old_req_at END AS new_req_at,
            CASE WHEN old_req_id IS NULL OR req_displaced THEN breq_id ELSE old_req_id END AS new_req_id,
            CASE WHEN old_first_id IS NULL OR displaced THEN bfirst_id ELSE old_first_id END AS new_first_id
       FROM joined`,
  );
  await c.query("SET LOCAL enable_hashjoin = on");
}

/** First and duplicate successes per grain, bucket and endpoint, from the classified intents. */
export async function foldSuccesses({ db: c, tables: t, keep }: BatchContext): Promise<void> {
  // Deltas of first and duplicate successes, summed per finest kept grain, bucket and endpoint
  // by the time of the success they concern (read by the rollup below and by the all-time
  // counters, lib/fold/fold-metric-totals.ts: a few hundred cells, not a row per intent). An
  // intent with one success in the batch needs nothing but its row; only the rare ones with
  // several read their successes back from the batch.
  await fillWorkTable(
    c,
    "success_deltas",
    `SELECT grain, ${binOf("grain", "at")} AS bucket, endpoint, sum(dfirst)::int AS dfirst,
            sum(ddup)::int AS ddup
       FROM (SELECT ${grainOf(keep, "at")} AS grain, * FROM (
              SELECT bfirst_at AS at, endpoint, (bfirst_id = new_first_id)::int AS dfirst,
                     (bfirst_id <> new_first_id)::int AS ddup
                FROM touched WHERE oks = 1
              UNION ALL
              SELECT b.at, b.endpoint, (b.id = tt.new_first_id)::int, (b.id <> tt.new_first_id)::int
                FROM batch b JOIN (SELECT scope, endpoint, key, new_first_id FROM touched WHERE oks > 1) tt
                     USING (scope, endpoint, key)
               WHERE ${isSuccess("b.kind", "b.response_code")}
              UNION ALL
              SELECT old_first_at, endpoint, -1, 1 FROM touched WHERE displaced) d) s
      GROUP BY 1, 2, 3`,
  );
  await c.query(
    `INSERT INTO ${t.ownTable("rollup_successes")} AS x (resolution, bucket, endpoint, first_successes, duplicate_successes)
     SELECT r.res, ${bucketAt("d")}, d.endpoint, sum(d.dfirst), sum(d.ddup)
       FROM success_deltas d JOIN ${RESOLUTION_RANKS} ON r.rank >= d.grain
      GROUP BY 1, 2, 3
     ON CONFLICT (resolution, bucket, endpoint) DO UPDATE SET
       first_successes = x.first_successes + excluded.first_successes,
       duplicate_successes = x.duplicate_successes + excluded.duplicate_successes`,
  );
}

/** SQL: whether the batch's first request (or success) is earlier than the memory row `i`'s. */
function batchEarlier(event: "request" | "success"): string {
  const b = event === "request" ? "tt.breq" : "tt.bfirst";
  return isEarlier(`${b}_at`, `${b}_id`, `i.first_${event}_at`, `i.first_${event}_id`);
}

/**
 * The batch's intents written back to the memory, merged with what it held of them (not with
 * what was imported: the memory holds what events said, and a rebuild from the events makes it
 * again); those that succeeded twice named.
 */
export async function rememberIntents({ db: c, tables: t, keep }: BatchContext): Promise<void> {
  const memory = t.ownTable("intent_memory");
  // new intents are inserted, known ones updated: no speculative insertion per row. An intent
  // whose batch holds a success but none of its requests is remembered too: history folds newest
  // first, so its requests (and maybe an earlier success) can come in an older batch, which must
  // then find the success already counted to count its own as the duplicate
  const remembered = `($1::float8 IS NULL OR old_req_id IS NOT NULL
        OR coalesce(new_req_at, bfirst_at) >= now() - make_interval(secs => $1::float8 * 86400))`;
  await c.query("SET LOCAL enable_hashjoin = off");
  await c.query(
    `WITH inserted AS (
       INSERT INTO ${memory} (intent, first_request_at, first_request_id, first_success_at, first_success_id, successes, requests)
       SELECT intent, breq_at, breq_id, bfirst_at, bfirst_id, oks, reqs FROM touched
        -- an intent first seen before the horizon is not remembered (retention would drop it):
        -- folding a long history keeps the memory at its steady size
        WHERE NOT known AND ${remembered}
        ORDER BY intent -- neighbouring keys land on the same index pages
       RETURNING intent, successes
     ),
     updated AS (
       UPDATE ${memory} i SET
         first_request_at = CASE WHEN ${batchEarlier("request")} THEN tt.breq_at ELSE i.first_request_at END,
         first_request_id = CASE WHEN ${batchEarlier("request")} THEN tt.breq_id ELSE i.first_request_id END,
         first_success_at = CASE WHEN ${batchEarlier("success")} THEN tt.bfirst_at ELSE i.first_success_at END,
         first_success_id = CASE WHEN ${batchEarlier("success")} THEN tt.bfirst_id ELSE i.first_success_id END,
         successes = i.successes + tt.oks,
         requests = i.requests + tt.reqs
         FROM touched tt
        WHERE tt.known AND i.intent = tt.intent AND ${remembered}
       RETURNING i.intent, i.successes + tt.imported_oks AS successes
     ),
     -- every intent now with two successes or more, counting a packed intent's imported one
     -- (the memory holds what events said); filtered before it is joined to touched for its
     -- name: a join of every intent of the batch, with hash joins off, took minutes
     twice AS (
       SELECT intent, max(successes) AS successes FROM (
         SELECT * FROM inserted WHERE successes >= 2
         UNION ALL
         SELECT * FROM updated WHERE successes >= 2
         UNION ALL
         SELECT intent, oks + imported_oks FROM touched
          WHERE imported_oks = 1 AND oks >= 1 AND NOT known AND ${remembered}) s
       GROUP BY intent
     )
     INSERT INTO ${t.ownTable("duplicate_intents")} AS d (intent, scope, endpoint, key, successes, first_request_at)
     SELECT u.intent, tt.scope, tt.endpoint, tt.key, u.successes, tt.new_req_at
       FROM twice u JOIN touched tt USING (intent)
     ON CONFLICT (intent) DO UPDATE SET successes = excluded.successes, first_request_at = excluded.first_request_at`,
    [keep.intents ?? null],
  );
  await c.query("SET LOCAL enable_hashjoin = on");
}
