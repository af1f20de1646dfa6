// What a library's imported rows taught the intent memory, packed (issue #33, target 5). A row of
// the library's table says one first request and at most one outcome, and most of its intents are
// never seen again after connect: as memory rows they were 558 MiB at 10 M rows, 13 % of the
// table they came from. When the import ends, the intents the memory knows from imported rows
// alone move into `imported_intents`, 240 to a row in hash order (about 34 B an intent); the
// memory keeps what events taught it. A batch's intent is classified against both, merged: the
// earliest first request and first success of either, their counts summed (lib/fold/fold-intents.ts).
// A packed intent past the horizon is not remembered, as the memory's retention would drop it; a
// memory row made since by events is kept by its own times.
// The packed rows are written once and logged: a rebuild of the memory from the events after a
// crash (lib/fold/intent-memory.ts) no longer forgets the imported history.
import type { Pool, PoolClient } from "pg";
import type { OwnNames } from "../ingest/sources/derived-sql";
import { since } from "../contract/grains";
import { isEarlier } from "../contract/vocabulary";

/** Intents a packed row holds: 240 × 32 B and the row's headers fill one 8 kB page. */
export const INTENTS_PER_PACKED_ROW = 240;

/** Whether any intent is packed: the batches that classify against them pay for the lookup. */
export async function hasImportedIntents(c: PoolClient, t: OwnNames): Promise<boolean> {
  const r = await c.query<{ any: boolean }>(
    `SELECT EXISTS (SELECT FROM ${t.ownTable("imported_intents")}) AS any`,
  );
  return r.rows[0]!.any;
}

/**
 * A LATERAL lookup of `per.intent` among the packed intents within the horizon, as `pk`: its
 * imported first request and success, each as (at, id). The id is -1: it orders before every
 * event (positive ids), as the import's own negative ids did, and a packed intent keeps no other.
 * The row holding the intent is the last whose first intent is not after it: one backward step
 * of the index, then a scan of its 240 hashes.
 */
function importedIntentLookup(t: OwnNames, horizonDays: number | null): string {
  const within =
    horizonDays === null
      ? ""
      : `AND coalesce(p.requested[k], p.succeeded[k]) >= (SELECT ${since(horizonDays)})`;
  return `LEFT JOIN LATERAL (
       SELECT p.requested[k] AS req_at, CASE WHEN p.requested[k] IS NOT NULL THEN -1::bigint END AS req_id,
              p.succeeded[k] AS ok_at, CASE WHEN p.succeeded[k] IS NOT NULL THEN -1::bigint END AS ok_id
         FROM (SELECT * FROM ${t.ownTable("imported_intents")} x
                WHERE x.lo <= per.intent ORDER BY x.lo DESC LIMIT 1) p
              CROSS JOIN LATERAL array_position(p.intents, per.intent) AS k
        WHERE k IS NOT NULL ${within}
     ) pk ON true`;
}

type FirstEvent = [at: string, id: string];

/** SQL: of the memory's and the packed first event, the earlier one's time (0) or id (1). */
function earlier(memory: FirstEvent, packed: FirstEvent, part: 0 | 1): string {
  return `CASE WHEN ${isEarlier(packed[0], packed[1], memory[0], memory[1])}
               THEN ${packed[part]} ELSE ${memory[part]} END`;
}

/**
 * What the memory (`i`, joined on `per.intent`) and, once there are any, the packed intents knew
 * of each intent before the batch, merged: the join to add after the memory's, and the select
 * list of fold-intents' `old_*` columns. The earlier first request and first success of either,
 * the counts summed; `imported_oks` is the packed success, which the memory's count leaves out
 * (the memory holds what events said).
 */
export function rememberedBefore(
  t: OwnNames,
  o: { withImported: boolean; horizonDays: number | null },
): { join: string; columns: string } {
  if (!o.withImported)
    return {
      join: "",
      columns: `i.first_request_at AS old_req_at, i.first_request_id AS old_req_id,
                i.first_success_at AS old_first_at, i.first_success_id AS old_first_id,
                i.requests AS old_reqs, 0 AS imported_oks`,
    };
  const request: FirstEvent = ["i.first_request_at", "i.first_request_id"];
  const success: FirstEvent = ["i.first_success_at", "i.first_success_id"];
  const req: FirstEvent = ["pk.req_at", "pk.req_id"];
  const ok: FirstEvent = ["pk.ok_at", "pk.ok_id"];
  return {
    join: importedIntentLookup(t, o.horizonDays),
    columns: `${earlier(request, req, 0)} AS old_req_at, ${earlier(request, req, 1)} AS old_req_id,
              ${earlier(success, ok, 0)} AS old_first_at, ${earlier(success, ok, 1)} AS old_first_id,
              CASE WHEN i.intent IS NOT NULL OR pk.req_at IS NOT NULL
                   THEN coalesce(i.requests, 0) + (pk.req_at IS NOT NULL)::int END AS old_reqs,
              (pk.ok_at IS NOT NULL)::int AS imported_oks`,
  };
}

/**
 * When the import ends, in its last batch's transaction: the memory's intents known from imported
 * rows alone (negative ids, at most one request and one success) are packed, and the memory is
 * rewritten with the rest (TRUNCATE: its pages go back at once). An import runs once per connect,
 * and connect empties the packed rows with everything else folded from the source
 * (FOLDED_TABLES): nothing is packed before. Returns how many intents are packed.
 */
export async function packImportedIntents(c: PoolClient, t: OwnNames): Promise<number> {
  const memory = t.ownTable("intent_memory");
  const importedOnly = `coalesce(first_request_id, -1) < 0 AND coalesce(first_success_id, -1) < 0
     AND coalesce(first_request_id, first_success_id) IS NOT NULL AND requests <= 1 AND successes <= 1`;
  const packed = await c.query<{ intents: number }>(
    `WITH ins AS (
       INSERT INTO ${t.ownTable("imported_intents")} (lo, newest, intents, requested, succeeded)
       SELECT intents[1], newest, intents, requested, succeeded FROM (
         SELECT chunk, max(coalesce(first_request_at, first_success_at)) AS newest,
                array_agg(intent ORDER BY intent) AS intents,
                array_agg(first_request_at ORDER BY intent) AS requested,
                array_agg(first_success_at ORDER BY intent) AS succeeded
           FROM (SELECT *, (row_number() OVER (ORDER BY intent) - 1) / ${INTENTS_PER_PACKED_ROW} AS chunk
                   FROM ${memory} WHERE ${importedOnly}) x
          GROUP BY chunk) rows
        ORDER BY chunk
       RETURNING cardinality(intents) AS n)
     SELECT coalesce(sum(n), 0)::int AS intents FROM ins`,
  );
  await c.query(
    `CREATE TEMP TABLE memory_kept AS SELECT * FROM ${memory} WHERE NOT (${importedOnly})`,
  );
  await c.query(`TRUNCATE ${memory}`);
  await c.query(`INSERT INTO ${memory} SELECT * FROM memory_kept ORDER BY intent`);
  await c.query(`DROP TABLE memory_kept`);
  return packed.rows[0]!.intents;
}

/** Retention: a packed row goes once every intent in it is past the horizon. */
export async function expireImportedIntents(
  db: Pool | PoolClient,
  t: OwnNames,
  horizonDays: number,
): Promise<void> {
  await db.query(
    `DELETE FROM ${t.ownTable("imported_intents")} WHERE newest < (SELECT ${since(horizonDays)})`,
  );
}
