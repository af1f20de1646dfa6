// Turns the capture queue's row images into contract events (docs/presets.md, "How row changes
// become events"), set-based, in the collector's own transaction: the rows are deleted from the
// queue and their events inserted in one statement, so each change counts exactly once. The
// preset's derivation is applied to both images (jsonb_populate_record gives back the table's
// row), so the view and the events agree. A row whose derivation fails on its data is moved to the
// dead letters alone and counted; it never blocks the queue.
import pg, { type Pool, type PoolClient } from "pg";
import type { StoreContext } from "../../contract/context";
import { log } from "../../core/log";
import { DEAD_LETTERS_TABLE, SOURCE_EVENTS_TABLE } from "../../contract/tables";
import type { SourceBinding } from "../../contract/source-binding";
import { CAPTURE_QUEUE_TABLE } from "./capture-sql";
import { derivedSelectList, type OwnNames } from "./derived-sql";
import { keptShareLock, keptStateCtes } from "./kept-state";
import { preimageCte } from "./history-preimages";
import { inTransaction } from "../../db/pool";
import { expandLets, type Preset } from "../../contract/preset";

/** The derived columns the event rules below read (the rest of a row image is left alone). */
const EVENT_COLUMNS = [
  "id",
  "scope",
  "endpoint",
  "key",
  "lock_owner",
  "request_hash",
  "status",
  "locked_at",
  "updated_at",
  "response_code",
  "response_body",
  "attempt_marker",
  "created_at",
  "completed_at",
  "expires_at",
] as const;

function imageOf(preset: Preset, base: string, image: "old_row" | "new_row", alias: string) {
  return `LEFT JOIN LATERAL (SELECT ${derivedSelectList(preset, true, EVENT_COLUMNS)}
              FROM jsonb_populate_record(NULL::${base}, q.${image}) AS r) ${alias}
            ON q.${image} IS NOT NULL`;
}

/** The statement that moves up to $1 queued changes (optionally only seq = $2) into events. */
export function drainStatement(binding: SourceBinding, t: OwnNames): string {
  const queue = t.ownTable(CAPTURE_QUEUE_TABLE);
  return deriveEventsStatement(
    binding,
    t,
    `DELETE FROM ${queue}
       WHERE seq IN (SELECT seq FROM ${queue} WHERE ($2::bigint IS NULL OR seq = $2) ORDER BY seq LIMIT $1)
      RETURNING *`,
  );
}

/**
 * Streamed changes as five parallel arrays: commit times, operations, old and new row images, and
 * their transactions' 32-bit ids (as the stream gives them).
 */
export type ChangeArrays = [string[], string[], (string | null)[], (string | null)[], number[]];

/**
 * The changes of ChangeArrays ($1–$5) as the rows of the CTE `q`, in their order, with their
 * transactions' full ids (xid8, as the trigger's queue rows carry them): a streamed change is
 * older than the transaction applying it, so its epoch is the current one or the one before.
 */
export const STREAMED_CHANGES = `SELECT u.ord AS seq, u.at, u.op, u.old_row, u.new_row,
            (CASE WHEN e.base + u.xid32 > e.now THEN e.base + u.xid32 - 4294967296
                  ELSE e.base + u.xid32 END)::text::xid8 AS xid
       FROM unnest($1::timestamptz[], $2::text[], $3::jsonb[], $4::jsonb[], $5::bigint[])
            WITH ORDINALITY AS u(at, op, old_row, new_row, xid32, ord)
      CROSS JOIN (SELECT x, x - x % 4294967296 AS base
                    FROM (SELECT pg_current_xact_id()::text::bigint AS x) c) AS e(now, base)`;

/**
 * The statement that turns streamed changes (ChangeArrays, in commit order) into events directly,
 * without a stop in the queue (logical capture's fast path).
 */
export function streamedChangesStatement(binding: SourceBinding, t: OwnNames): string {
  return deriveEventsStatement(binding, t, STREAMED_CHANGES);
}

/**
 * The one derivation of events from row changes (the CTE `q`: seq, at, op, old_row, new_row),
 * for the queue of either capture and for logical capture's stream alike.
 */
function deriveEventsStatement(binding: SourceBinding, t: OwnNames, changes: string): string {
  const { preset, base } = binding;
  const events = t.ownTable(SOURCE_EVENTS_TABLE);
  const outcome = `CASE n.status WHEN 'completed' THEN 'completed' ELSE 'failed' END`;
  // the row an event is about: the old image for a purge and a refused claim, else the new one
  const pick = (c: string) => `CASE WHEN q.op IN ('DELETE', 'REFUSED') THEN o.${c} ELSE n.${c} END`;
  // A proposal (a claim that met an existing row) was refused when it is a claim and the preset's
  // refusedWhen holds for the existing row (x) at the claim's time: now() there means q.at.
  const refused = preset.proposals
    ? `n.status = 'in_progress' AND coalesce((${expandLets(preset, preset.proposals.refusedWhen).replace(/\bnow\(\)|\bcurrent_timestamp\b/gi, "q.at")}), false)`
    : "false";
  const existing = preset.proposals
    ? `LEFT JOIN LATERAL (SELECT ${derivedSelectList(preset)}
              FROM jsonb_populate_record(NULL::${base}, q.old_row) AS r) x
            ON q.op = 'REFUSED'`
    : "";
  return `
    WITH q AS (
      ${changes}
    ), k AS (
      SELECT q.seq, q.at, q.op,
             ${pick("id")} AS id, ${pick("scope")} AS scope, ${pick("endpoint")} AS endpoint,
             ${pick("key")} AS key, ${pick("lock_owner")} AS instance,
             n.request_hash, n.response_code AS new_code, o.response_code AS old_code,
             extract(epoch FROM q.at - coalesce(o.locked_at, o.updated_at)) * 1000 AS latency,
             CASE
               WHEN q.op = 'REFUSED' AND NOT (${refused}) THEN '{}'::text[]
               WHEN q.op = 'REFUSED' THEN
                 ARRAY[CASE WHEN o.status = 'in_progress' THEN 'conflict'
                            WHEN o.request_hash IS DISTINCT FROM n.request_hash THEN 'mismatch'
                            ELSE 'replayed' END]
               WHEN q.op = 'INSERT' THEN
                 CASE WHEN n.status = 'in_progress' THEN ARRAY['claimed'] ELSE ARRAY['claimed', ${outcome}] END
               WHEN q.op = 'DELETE' THEN ARRAY['expired']
               WHEN o.status <> 'in_progress' AND n.status = 'in_progress' THEN
                 -- back under the same attempt stamp: a late work stage of an execution already
                 -- counted (Medusa v1's racing double submits); under a new one, the stored result
                 -- was overwritten by a new execution: it had expired
                 CASE WHEN o.attempt_marker IS NOT NULL AND n.attempt_marker = o.attempt_marker
                      THEN '{}'::text[] ELSE ARRAY['expired', 'claimed'] END
               WHEN o.status = 'in_progress' AND n.status <> 'in_progress' THEN ARRAY[${outcome}]
               -- a new attempt stamped on an unfinished key (its first stamp is part of the claim)
               WHEN o.status = 'in_progress' THEN
                 CASE WHEN o.attempt_marker IS NOT NULL AND n.attempt_marker IS DISTINCT FROM o.attempt_marker
                      THEN ARRAY['reclaimed'] ELSE '{}'::text[] END
               -- a finished key finished again: a second execution completed
               WHEN n.response_code IS DISTINCT FROM o.response_code
                 OR n.response_body IS DISTINCT FROM o.response_body THEN ARRAY[${outcome}]
               WHEN o.attempt_marker IS NOT NULL AND n.attempt_marker IS DISTINCT FROM o.attempt_marker
                 THEN ARRAY['replayed']
               ELSE '{}'::text[]
             END AS kinds,
             o.status = 'in_progress' AS was_running,
             n.status AS new_status, o.expires_at AS old_expires, n.expires_at AS new_expires,
             n.created_at AS new_created,
             -- the row before the change, for the history import's preimages
             o.request_hash AS old_hash, o.status AS old_status, o.created_at AS old_created,
             o.completed_at AS old_completed, o.updated_at AS old_updated
        FROM q
        ${imageOf(preset, base, "old_row", "o")}
        ${imageOf(preset, base, "new_row", "n")}
        ${existing}
    )${keptStateCtes(binding, t)}${preimageCte(binding, t)}, ins AS (
      INSERT INTO ${events} (at, key_id, scope, endpoint, key, kind, request_hash, response_code, latency_ms, instance)
      SELECT k.at + (u.ord - 1) * interval '1 microsecond', k.id, k.scope, k.endpoint, k.key, u.kind,
             k.request_hash,
             CASE u.kind WHEN 'completed' THEN k.new_code WHEN 'failed' THEN k.new_code
                         WHEN 'replayed' THEN coalesce(k.new_code, k.old_code)
                         WHEN 'conflict' THEN 409 WHEN 'mismatch' THEN 422 END,
             CASE WHEN u.kind IN ('completed', 'failed') AND k.was_running THEN k.latency END,
             k.instance
        FROM k CROSS JOIN LATERAL unnest(k.kinds) WITH ORDINALITY AS u(kind, ord)
       ORDER BY k.seq, u.ord
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM q)::int AS changes, (SELECT count(*) FROM ins)::int AS events`;
}

export type DrainResult = { changes: number; events: number; dropped: number };

/**
 * Whether an error of the derivation is the row's own (its data: a value the preset's cast or
 * function refuses) rather than the statement's (a preset that no longer fits the table, a
 * cancelled or timed-out statement, a serialization failure): SQLSTATE classes 22 (data
 * exception), 23 (integrity), 2F/38/39 (a function the derivation calls) and P0 (RAISE).
 */
export function isRowFault(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" && /^(22|23|2F|38|39|P0)/.test(code);
}

/**
 * Drains the queue until it is empty (or `maxBatches` of `batchSize`). Runs on `db` as is; the
 * caller's transaction, if any, makes it atomic with what follows. A batch that fails on a row's
 * data is drained change by change, and the changes that fail go to the dead letters
 * (capture_dead_letters, shown on the Store page and in /api/metrics); any other error is the
 * statement's and is raised with the queue intact.
 */
export async function drainCaptureQueue(
  ctx: StoreContext<Pool | PoolClient>,
  options: { batchSize?: number; maxBatches?: number } = {},
): Promise<DrainResult> {
  const source = ctx.tables.source;
  const result: DrainResult = { changes: 0, events: 0, dropped: 0 };
  // the contract's writer appends its own events: nothing is queued
  if (!source.capture.mapped) return result;
  // one transaction, whose lock keeps the kept state's fill out until it ends (kept-state.ts;
  // a caller's transaction takes it before its first snapshot)
  const db = ctx.db;
  if (db instanceof pg.Pool)
    return inTransaction(db, (c) => drainCaptureQueue({ ...ctx, db: c }, options));
  const t = ctx.tables;
  await db.query(keptShareLock(t));
  const statement = drainStatement(source, t);
  const batchSize = options.batchSize ?? 20_000;
  for (let i = 0; i < (options.maxBatches ?? 50); i++) {
    let batch: DrainResult;
    try {
      const r = await inSavepoint(ctx.db, () =>
        ctx.db.query<{ changes: number; events: number }>(statement, [batchSize, null]),
      );
      batch = { changes: r.rows[0]?.changes ?? 0, events: r.rows[0]?.events ?? 0, dropped: 0 };
    } catch (err) {
      if (!isRowFault(err)) throw err;
      log.warn(
        { err: (err as Error).message },
        "capture queue: a row cannot be derived; draining change by change",
      );
      batch = await drainOneByOne(ctx, statement, batchSize);
    }
    result.changes += batch.changes;
    result.events += batch.events;
    result.dropped += batch.dropped;
    if (batch.changes < batchSize) break;
  }
  return result;
}

/** After a batch failed on a row's data: one change at a time, the failing ones dead-lettered. */
async function drainOneByOne(
  ctx: StoreContext<Pool | PoolClient>,
  statement: string,
  limit: number,
): Promise<DrainResult> {
  const queue = ctx.tables.ownTable(CAPTURE_QUEUE_TABLE);
  const seqs = await ctx.db.query<{ seq: string }>(
    `SELECT seq FROM ${queue} ORDER BY seq LIMIT $1`,
    [limit],
  );
  const total = { changes: 0, events: 0, dropped: 0 };
  for (const { seq } of seqs.rows) {
    try {
      const r = await inSavepoint(ctx.db, () =>
        ctx.db.query<{ changes: number; events: number }>(statement, [1, seq]),
      );
      total.changes += r.rows[0]?.changes ?? 0;
      total.events += r.rows[0]?.events ?? 0;
    } catch (err) {
      if (!isRowFault(err)) throw err;
      await deadLetter(ctx, seq, err as Error & { code: string });
      total.changes += 1;
      total.dropped += 1;
    }
  }
  return total;
}

/** Moves one queued change to the dead letters, with its error, and counts it. */
async function deadLetter(
  ctx: StoreContext<Pool | PoolClient>,
  seq: string,
  err: Error & { code: string },
): Promise<void> {
  const t = ctx.tables;
  log.warn({ seq, err: err.message }, "capture queue: a change it cannot derive is dead-lettered");
  await ctx.db.query(
    `WITH gone AS (DELETE FROM ${t.ownTable(CAPTURE_QUEUE_TABLE)} WHERE seq = $1 RETURNING *)
     INSERT INTO ${t.ownTable(DEAD_LETTERS_TABLE)} (at, op, old_row, new_row, sqlstate, error)
     SELECT at, op, old_row, new_row, $2, $3 FROM gone`,
    [seq, err.code, err.message.slice(0, 1000)],
  );
  await ctx.db.query(`SELECT nextval($1)`, [t.ownTable("capture_errors")]);
}

export { DEAD_LETTERS_TABLE } from "../../contract/tables";

/** Runs `fn` under a savepoint when `db` is a transaction's client (a pool has none to protect). */
async function inSavepoint<T>(db: Pool | PoolClient, fn: () => Promise<T>): Promise<T> {
  if (db instanceof pg.Pool) return fn();
  await db.query("SAVEPOINT capture_drain");
  try {
    const r = await fn();
    await db.query("RELEASE SAVEPOINT capture_drain");
    return r;
  } catch (err) {
    await db.query("ROLLBACK TO SAVEPOINT capture_drain");
    throw err;
  }
}
