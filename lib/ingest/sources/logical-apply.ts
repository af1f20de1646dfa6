// The applying half of logical capture: a batch of committed transactions becomes events, in one
// transaction here with the stream position it reaches (logical_state.applied_lsn), so that a
// crash never loses or repeats one. A plain function over a connection: tests call it without a
// slot (tests/integration/sources/logical-apply.test.ts).
import type { PoolClient } from "pg";
import { log } from "../../core/log";
import type { SourceBinding } from "../../contract/source-binding";
import { STREAMED_CHANGES, streamedChangesStatement, type ChangeArrays } from "./capture-drain";
import { CAPTURE_QUEUE_TABLE, OPERATOR_MARKS_TABLE } from "./capture-sql";
import type { OwnNames } from "./derived-sql";
import { keptShareLock } from "./kept-state";
import { asArrays, type Txn } from "./logical-decode";
import { formatLsn, parseLsn } from "./lsn";

export type ApplyTarget = {
  /** logical_state, the capture queue and operator_marks of idemscope's schema */
  state: string;
  queue: string;
  marks: string;
  /** the derivation of streamed changes into events (streamedChangesStatement) */
  derive: string;
  /** the lock every derivation takes first (kept-state.ts: keptShareLock) */
  keptLock: string;
  /** who applied (logical_state.consumer) */
  instance: string;
};

/** Where the stream of `binding` is applied, in the schema `own`, by `instance`. */
export function applyTargetOf(
  binding: SourceBinding,
  own: OwnNames,
  instance: string,
): ApplyTarget {
  return {
    state: own.ownTable("logical_state"),
    queue: own.ownTable(CAPTURE_QUEUE_TABLE),
    marks: own.ownTable(OPERATOR_MARKS_TABLE),
    derive: streamedChangesStatement(binding, own),
    keptLock: keptShareLock(own),
    instance,
  };
}

export type ApplyBatch = {
  txns: Txn[];
  /** the newest verified heartbeat after every change of the batch: how far the stream is known */
  heartbeatAt: string | null;
  /** heartbeat messages that were not ours (forged or malformed) since the last batch */
  rejected: number;
};

/**
 * Applies the batch and returns the position now reached. A transaction at or before the
 * recorded position was applied by an earlier run and is skipped, as are idemscope's own release
 * and fail (operator_marks: their statement wrote its event itself).
 */
export async function applyTransactions(
  c: PoolClient,
  target: ApplyTarget,
  batch: ApplyBatch,
): Promise<bigint> {
  const { txns } = batch;
  const end = txns.reduce((m, t) => (t.endLsn > m ? t.endLsn : m), 0n);
  const r = await c.query<{ applied: string }>(
    `SELECT applied_lsn::text AS applied FROM ${target.state} WHERE id = 1 FOR UPDATE`,
  );
  if (!r.rows[0]) throw new Error("logical capture: its position row is gone (uninstalled?)");
  const already = parseLsn(r.rows[0].applied);
  const unapplied = txns.filter((t) => t.commitLsn >= already);
  const operator = await operatorTransactions(c, target.marks, unapplied);
  const fresh = unapplied.filter((t) => !operator.has(t.xid));
  const changes = fresh.flatMap((t) => t.changes);
  if (changes.length > 0) await deriveEvents(c, target, asArrays(fresh));
  const position = end > already ? end : already;
  await c.query(
    `UPDATE ${target.state}
        SET applied_lsn = $1::pg_lsn, consumer = $2,
            applied_commit_at = coalesce($3::timestamptz, applied_commit_at),
            -- a heartbeat never vouches for a time still to come
            caught_up_to = CASE WHEN $4::timestamptz IS NULL THEN caught_up_to
                           ELSE greatest(caught_up_to, least($4::timestamptz, now())) END,
            transactions_total = transactions_total + $5, changes_total = changes_total + $6,
            skipped_total = skipped_total + $7,
            heartbeats_rejected = heartbeats_rejected + $8,
            last_rejected_at = CASE WHEN $8 > 0 THEN now() ELSE last_rejected_at END
      WHERE id = 1`,
    [
      formatLsn(position),
      target.instance,
      fresh.at(-1)?.at ?? null,
      batch.heartbeatAt,
      fresh.length,
      changes.length,
      txns.length - fresh.length,
      batch.rejected,
    ],
  );
  return position;
}

/**
 * The changes become events at once, by the same derivation as the queue's. Should it fail (a
 * row image it cannot read), they wait in the queue instead, where the collector's drain drops
 * just the bad one and counts it, as for triggers; the stream never stalls on a row.
 */
async function deriveEvents(c: PoolClient, target: ApplyTarget, changes: ChangeArrays) {
  await c.query(target.keptLock);
  await c.query("SAVEPOINT derive");
  try {
    await c.query(target.derive, changes);
    await c.query("RELEASE SAVEPOINT derive");
  } catch (err) {
    await c.query("ROLLBACK TO SAVEPOINT derive");
    log.warn({ err: (err as Error).message }, "logical capture: batch queued for the drain");
    await c.query(
      `INSERT INTO ${target.queue} (at, op, old_row, new_row, xid)
       SELECT q.at, q.op, q.old_row, q.new_row, q.xid FROM (${STREAMED_CHANGES}) q ORDER BY q.seq`,
      changes,
    );
  }
}

/** Which of these transactions were idemscope's own release or fail (operator_marks). */
async function operatorTransactions(
  c: PoolClient,
  marks: string,
  txns: Txn[],
): Promise<Set<number>> {
  if (txns.length === 0) return new Set();
  const r = await c.query<{ xid: string }>(
    `SELECT xid::text FROM ${marks} WHERE xid = ANY($1::bigint[])`,
    [txns.map((t) => t.xid)],
  );
  return new Set(r.rows.map((x) => Number(x.xid)));
}
