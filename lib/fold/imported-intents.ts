// What a library's imported rows taught the intent memory, packed (issue #33, target 5). A row of
// the library's table says one first request and at most one outcome, and most of its intents are
// never seen again after connect: as memory rows they were 558 MiB at 10 M rows, 13 % of the
// table they came from. When the import ends, the intents the memory knows from imported rows
// alone move into `imported_intents`, 240 to a row in hash order (about 34 B an intent); the
// memory keeps what events taught it. A batch's intent is classified against both, merged: the
// earliest first request and first success of either, their counts summed (lib/fold/fold-intents.ts).
// The packed rows are written once and logged: a rebuild of the memory from the events after a
// crash (lib/fold/intent-memory.ts) no longer forgets the imported history.
import type { Pool, PoolClient } from "pg";
import type { OwnNames } from "../ingest/sources/derived-sql";
import { since } from "../contract/grains";

/** Intents a packed row holds: 240 × 32 B and the row's headers fill one 8 kB page. */
export const INTENTS_PER_PACKED_ROW = 240;

/** An imported event's id is negative (lib/ingest/sources/history-import.ts); any such id orders
 * the same against the events' (positive), and a packed intent keeps no other. */
const IMPORTED_ID = "-1::bigint";

/** Whether any intent is packed: the batches that classify against them pay for the lookup. */
export async function hasImportedIntents(c: PoolClient, t: OwnNames): Promise<boolean> {
  const r = await c.query<{ any: boolean }>(
    `SELECT EXISTS (SELECT FROM ${t.ownTable("imported_intents")}) AS any`,
  );
  return r.rows[0]!.any;
}

/**
 * A LATERAL lookup of `per.intent` among the packed intents within the horizon: `pk.req_at` and
 * `pk.ok_at`, its imported first request and success (no row when it is not packed). The row
 * holding it is the last whose first intent is not after it: one backward step of the index.
 */
export function importedIntentLookup(t: OwnNames, horizonDays: number | null): string {
  return `LEFT JOIN LATERAL (
       SELECT p.requested[k] AS req_at, p.succeeded[k] AS ok_at
         FROM (SELECT * FROM ${t.ownTable("imported_intents")} x
                WHERE x.lo <= per.intent ORDER BY x.lo DESC LIMIT 1) p
              CROSS JOIN LATERAL array_position(p.intents, per.intent) AS k
        WHERE k IS NOT NULL
          ${horizonDays === null ? "" : `AND coalesce(p.requested[k], p.succeeded[k]) >= (SELECT ${since(horizonDays)})`}
     ) pk ON true`;
}

/** The earlier of a remembered (at, id) and an imported time, as SQL for its time or its id. */
function earlier(part: "at" | "id", at: string, id: string, importedAt: string): string {
  return `CASE WHEN ${importedAt} IS NOT NULL AND (${id} IS NULL OR (${importedAt}, ${IMPORTED_ID}) < (${at}, ${id}))
               THEN ${part === "at" ? importedAt : IMPORTED_ID} ELSE ${part === "at" ? at : id} END`;
}

/**
 * What the memory (alias `i`) and the packed intents (`pk`) knew of an intent before the batch,
 * merged, as the select list of fold-intents' `old_*` columns; `imported_oks` is the packed
 * success, which the memory's count leaves out.
 */
export function mergedMemoryColumns(withImported: boolean): string {
  if (!withImported)
    return `i.first_request_at AS old_req_at, i.first_request_id AS old_req_id,
            i.first_success_at AS old_first_at, i.first_success_id AS old_first_id,
            i.requests AS old_reqs, 0 AS imported_oks`;
  return `${earlier("at", "i.first_request_at", "i.first_request_id", "pk.req_at")} AS old_req_at,
          ${earlier("id", "i.first_request_at", "i.first_request_id", "pk.req_at")} AS old_req_id,
          ${earlier("at", "i.first_success_at", "i.first_success_id", "pk.ok_at")} AS old_first_at,
          ${earlier("id", "i.first_success_at", "i.first_success_id", "pk.ok_at")} AS old_first_id,
          CASE WHEN i.intent IS NOT NULL OR pk.req_at IS NOT NULL
               THEN coalesce(i.requests, 0) + (pk.req_at IS NOT NULL)::int END AS old_reqs,
          (pk.ok_at IS NOT NULL)::int AS imported_oks`;
}

/**
 * When the import ends, in its last batch's transaction: the memory's intents known from imported
 * rows alone (negative ids, no second request or success) are packed with those packed before,
 * and the memory is rewritten with the rest (TRUNCATE: its pages go back at once). Returns how
 * many intents are packed.
 */
export async function packImportedIntents(c: PoolClient, t: OwnNames): Promise<number> {
  const memory = t.ownTable("intent_memory");
  const packed = t.ownTable("imported_intents");
  const importedOnly = `coalesce(first_request_id, -1) < 0 AND coalesce(first_success_id, -1) < 0
     AND coalesce(first_request_id, first_success_id) IS NOT NULL AND requests <= 1 AND successes <= 1`;
  const n = await c.query<{ n: number }>(
    `WITH before AS (DELETE FROM ${packed} RETURNING intents, requested, succeeded),
     every AS (
       SELECT intent, first_request_at AS requested, first_success_at AS succeeded
         FROM ${memory} WHERE ${importedOnly}
       UNION ALL
       SELECT u.* FROM before b, unnest(b.intents, b.requested, b.succeeded) AS u
     ),
     ins AS (
       INSERT INTO ${packed} (lo, newest, intents, requested, succeeded)
       SELECT intents[1], newest, intents, requested, succeeded FROM (
         SELECT chunk, max(coalesce(requested, succeeded)) AS newest,
                array_agg(intent ORDER BY intent) AS intents,
                array_agg(requested ORDER BY intent) AS requested,
                array_agg(succeeded ORDER BY intent) AS succeeded
           FROM (SELECT *, (row_number() OVER (ORDER BY intent) - 1) / ${INTENTS_PER_PACKED_ROW} AS chunk
                   FROM every) x
          GROUP BY chunk) rows
        ORDER BY chunk
       RETURNING cardinality(intents) AS n)
     SELECT coalesce(sum(n), 0)::int AS n FROM ins`,
  );
  await c.query(
    `CREATE TEMP TABLE memory_kept AS
     SELECT * FROM ${memory} WHERE NOT (${importedOnly})`,
  );
  await c.query(`TRUNCATE ${memory}`);
  await c.query(`INSERT INTO ${memory} SELECT * FROM memory_kept ORDER BY intent`);
  await c.query(`DROP TABLE memory_kept`);
  return n.rows[0]!.n;
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
