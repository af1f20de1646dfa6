// Logical decoding of the store's table (docs/store-contract.md, "Capture modes"): streams the
// slot with pgoutput and turns each committed row change (its before and after images, as the
// triggers queue them) into events by the same derivation (./capture-drain.ts). Exactly once: a
// batch of transactions becomes events here together with the position it reaches
// (logical_state.applied_lsn), and only then is it acknowledged to PostgreSQL;
// after a crash the stream resumes at that position, and a transaction already applied is skipped.
// Run by the collector's leader only; the slot itself admits one reader at a time.
import { hostname } from "node:os";
import type { Pool, PoolClient } from "pg";
import { LogicalReplicationService, PgoutputPlugin, type Pgoutput } from "pg-logical-replication";
import { inTransaction } from "../../db/pool";
import { log } from "../../core/log";
import type { SourceBinding } from "../../contract/source-binding";
import { STREAMED_CHANGES, streamedChangesStatement, type ChangeArrays } from "./capture-drain";
import { CAPTURE_QUEUE_TABLE, OPERATOR_MARKS_TABLE, type OwnNames } from "./capture-sql";
import {
  HEARTBEAT_MESSAGE,
  readHeartbeatKey,
  startHeartbeats,
  verifyHeartbeat,
} from "./logical-heartbeats";
import { formatLsn, parseLsn } from "./lsn";

const JSON_TYPES = new Set([114, 3802]); // json, jsonb: their images carry the value itself

/** pgoutput with every column left as PostgreSQL's text, so images keep full precision. */
class RawTextPgoutput extends PgoutputPlugin {
  parse(buffer: Buffer): Pgoutput.Message {
    const m = super.parse(buffer);
    // the parser caches this very relation object and reads its columns for every later tuple
    if (m.tag === "relation")
      for (const c of m.columns) c.parser = JSON_TYPES.has(c.typeOid) ? JSON.parse : (raw) => raw;
    return m;
  }
}

type Change = {
  at: string;
  op: "INSERT" | "UPDATE" | "DELETE";
  old_row: unknown;
  new_row: unknown;
};
/** Parallel arrays are cheaper for PostgreSQL to read than one JSON document of objects. */
function asArrays(changes: Change[]): ChangeArrays {
  const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
  return [
    changes.map((c) => c.at),
    changes.map((c) => c.op),
    changes.map((c) => json(c.old_row)),
    changes.map((c) => json(c.new_row)),
  ];
}

/**
 * commitLsn: where its commit record starts; endLsn: where it ends (the position to resume at);
 * xid: its transaction id, looked up in operator_marks (idemscope's own release and fail)
 */
type Txn = { commitLsn: bigint; endLsn: bigint; at: string; changes: Change[]; xid: number };

export type LogicalConsumerOptions = {
  pool: Pool;
  databaseUrl: string;
  binding: SourceBinding;
  own: OwnNames;
  /** a batch is committed at least this often while changes arrive */
  flushMs?: number;
  /** changes per committed batch at most (the stream pauses meanwhile) */
  maxBatch?: number;
  heartbeatMs?: number;
};

export type LogicalConsumer = { stop: () => Promise<void>; running: () => boolean };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const microsToIso = (us: bigint) =>
  new Date(Number(us / 1000n)).toISOString().replace("Z", "") +
  String(us % 1000n).padStart(3, "0") +
  "Z";

export function startLogicalConsumer(o: LogicalConsumerOptions): LogicalConsumer {
  const { pool, binding } = o;
  const logical = binding.logical!;
  const state = o.own.ownTable("logical_state");
  const queue = o.own.ownTable(CAPTURE_QUEUE_TABLE);
  const marks = o.own.ownTable(OPERATOR_MARKS_TABLE);
  const flushMs = o.flushMs ?? 200;
  const maxBatch = o.maxBatch ?? 5_000;
  const instance = `${hostname()}:${process.pid}`;
  let stopped = false;
  let service: LogicalReplicationService | null = null;
  /** end of what is committed here (and so may be acknowledged) */
  let applied = 0n;
  let current: Txn | null = null;
  let pending: Txn[] = [];
  let pendingChanges = 0;
  /** the newest heartbeat seen after every earlier change: written with the next batch */
  let caughtUp: { at: string; lsn: bigint } | null = null;
  /** heartbeat messages that were not ours (a forged or malformed one): counted, else ignored */
  let rejected = 0;
  let heartbeatKey = "";
  let flushing: Promise<void> = Promise.resolve();
  /**
   * Set when a batch could not be committed: nothing more is acknowledged in this stream (a later
   * ack would skip the lost batch); the stream restarts from the committed position instead.
   */
  let broken: Error | null = null;

  function breakStream(err: Error) {
    broken ??= err;
    void service?.stop().catch(() => undefined);
  }

  const isOurs = (r: Pgoutput.MessageRelation) =>
    r.schema === binding.table.schema && r.name === binding.table.name;

  async function ack(lsn: bigint) {
    if (broken) return;
    // the library reports lsn + 1 as flushed; PostgreSQL resumes at the flushed position, and a
    // commit may start exactly at the previous one's end, so report that end itself
    if (lsn > 0n) await service?.acknowledge(formatLsn(lsn - 1n));
  }

  const derive = streamedChangesStatement(binding, o.own);
  /**
   * The changes become events at once, by the same derivation as the queue's. Should it fail (a
   * row image it cannot read), they wait in the queue instead, where the collector's drain drops
   * just the bad one and counts it, as for triggers; the stream never stalls on a row.
   */
  async function applyChanges(c: PoolClient, changes: ChangeArrays) {
    await c.query("SAVEPOINT derive");
    try {
      await c.query(derive, changes);
      await c.query("RELEASE SAVEPOINT derive");
    } catch (err) {
      await c.query("ROLLBACK TO SAVEPOINT derive");
      log.warn({ err: (err as Error).message }, "logical capture: batch queued for the drain");
      await c.query(
        `INSERT INTO ${queue} (at, op, old_row, new_row)
         SELECT q.at, q.op, q.old_row, q.new_row FROM (${STREAMED_CHANGES}) q ORDER BY q.seq`,
        changes,
      );
    }
  }

  /** One transaction here: the changes' events and the position they reach, then the ack. */
  function flush(): Promise<void> {
    flushing = flushing
      .then(async () => {
        if (broken) return;
        const txns = pending;
        const heartbeat = caughtUp;
        const forged = rejected;
        if (txns.length === 0 && !heartbeat && forged === 0) return;
        rejected = 0;
        pending = [];
        pendingChanges = 0;
        caughtUp = null;
        const end = txns.reduce((m, t) => (t.endLsn > m ? t.endLsn : m), 0n);
        const reached = await inTransaction(pool, async (c) => {
          const r = await c.query<{ applied: string }>(
            `SELECT applied_lsn::text AS applied FROM ${state} WHERE id = 1 FOR UPDATE`,
          );
          if (!r.rows[0])
            throw new Error("logical capture: its position row is gone (uninstalled?)");
          const already = parseLsn(r.rows[0].applied);
          // a transaction at or before the recorded position was applied by an earlier run
          const unapplied = txns.filter((t) => t.commitLsn >= already);
          const operator = await operatorTransactions(c, marks, unapplied);
          const fresh = unapplied.filter((t) => !operator.has(t.xid));
          const changes = fresh.flatMap((t) => t.changes);
          if (changes.length > 0) await applyChanges(c, asArrays(changes));
          const position = end > already ? end : already;
          await c.query(
            `UPDATE ${state}
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
              instance,
              fresh.at(-1)?.at ?? null,
              heartbeat?.at ?? null,
              fresh.length,
              changes.length,
              txns.length - fresh.length,
              forged,
            ],
          );
          return position;
        });
        applied = reached > applied ? reached : applied;
        const ackAt = heartbeat && heartbeat.lsn > applied ? heartbeat.lsn : applied;
        await ack(ackAt);
      })
      .catch((err: Error) => breakStream(err));
    return flushing;
  }

  async function onData(_lsn: string, m: Pgoutput.Message) {
    if (broken) return;
    switch (m.tag) {
      case "begin":
        current = {
          commitLsn: parseLsn(m.commitLsn!),
          endLsn: 0n,
          at: microsToIso(m.commitTime as bigint),
          changes: [],
          xid: m.xid,
        };
        return;
      case "insert":
        if (current && isOurs(m.relation))
          current.changes.push({ at: current.at, op: "INSERT", old_row: null, new_row: m.new });
        return;
      case "update":
        if (current && isOurs(m.relation))
          current.changes.push({ at: current.at, op: "UPDATE", old_row: m.old, new_row: m.new });
        return;
      case "delete":
        if (current && isOurs(m.relation))
          current.changes.push({
            at: current.at,
            op: "DELETE",
            old_row: m.old ?? m.key,
            new_row: null,
          });
        return;
      case "truncate":
        if (m.relations.some(isOurs))
          log.warn(
            { table: binding.base },
            "logical capture: the table was truncated; its keys' expiry is not captured",
          );
        return;
      case "message":
        if (m.prefix === HEARTBEAT_MESSAGE && !current) {
          const at = verifyHeartbeat(heartbeatKey, Buffer.from(m.content).toString("utf8"));
          if (at === null) {
            rejected += 1;
            return;
          }
          // stream order is commit order: every change before this message has arrived
          caughtUp = { at, lsn: parseLsn(_lsn) };
          if (pending.length === 0) await flush();
        }
        return;
      case "commit": {
        const txn = current;
        current = null;
        if (!txn || txn.commitLsn < applied) return;
        txn.endLsn = parseLsn(m.commitEndLsn!);
        pending.push(txn);
        pendingChanges += txn.changes.length;
        // back-pressure: with flow control the stream waits for this handler
        if (pendingChanges >= maxBatch) await flush();
        return;
      }
      default:
        return;
    }
  }

  async function recordError(err: Error) {
    log.warn(
      { err: err.message, slot: logical.slot },
      "logical capture: stream failed; restarting",
    );
    await pool
      .query(`UPDATE ${state} SET last_error = $1, last_error_at = now() WHERE id = 1`, [
        err.message,
      ])
      .catch(() => undefined);
  }

  async function run() {
    let backoff = 500;
    while (!stopped) {
      try {
        const r = await pool.query<{ applied: string }>(
          `UPDATE ${state} SET starts_total = starts_total + 1, consumer = $1 WHERE id = 1
           RETURNING applied_lsn::text AS applied`,
          [instance],
        );
        if (!r.rows[0]) throw new Error("logical capture: its position row is missing");
        applied = parseLsn(r.rows[0].applied);
        heartbeatKey = await readHeartbeatKey(pool, o.own.ownTable("secrets"));
        current = null;
        pending = [];
        pendingChanges = 0;
        caughtUp = null;
        broken = null;
        const svc = new LogicalReplicationService(
          { connectionString: o.databaseUrl, application_name: "idemscope-logical" },
          { acknowledge: { auto: false, timeoutSeconds: 0 }, flowControl: { enabled: true } },
        );
        service = svc;
        svc.on("data", onData);
        svc.on("error", (err: Error) => breakStream(err));
        // the server asks for a status now and then; answer with what is committed here
        svc.on("heartbeat", (_l: string, _t: number, respond: boolean) => {
          if (respond) void ack(applied);
        });
        const plugin = new RawTextPgoutput({
          protoVersion: 1,
          publicationNames: [logical.publication],
          messages: true,
        });
        await svc.subscribe(plugin, logical.slot, formatLsn(applied));
        await flushing;
        if (broken) throw broken;
        if (!stopped) throw new Error("the replication stream ended");
        backoff = 500;
      } catch (err) {
        if (stopped) break;
        await recordError(err as Error);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 30_000);
      } finally {
        await service?.destroy().catch(() => undefined);
        service = null;
      }
    }
  }

  const ticker = setInterval(() => void flush(), flushMs);
  ticker.unref?.();
  const heartbeats = startHeartbeats(pool, o.heartbeatMs ?? 1000, o.own, logical.slot);
  const running = run();

  return {
    running: () => !stopped,
    stop: async () => {
      stopped = true;
      clearInterval(ticker);
      heartbeats.stop();
      await service?.stop().catch(() => undefined);
      await running;
      await flushing.catch(() => undefined);
    },
  };
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
