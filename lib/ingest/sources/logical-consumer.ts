// Logical decoding of the store's table (docs/store-contract.md, "Capture modes"): streams the
// slot with pgoutput and turns each committed row change (its before and after images, as the
// triggers queue them) into events by the same derivation (./capture-drain.ts). Exactly once: a
// batch of transactions becomes events here together with the position it reaches
// (logical_state.applied_lsn), and only then is it acknowledged to PostgreSQL;
// after a crash the stream resumes at that position, and a transaction already applied is skipped.
// Run by the collector's leader only; the slot itself admits one reader at a time.
import { hostname } from "node:os";
import type { Pool } from "pg";
import { LogicalReplicationService, type Pgoutput } from "pg-logical-replication";
import { inTransaction } from "../../db/pool";
import { log } from "../../core/log";
import type { SourceBinding } from "../../contract/source-binding";
import type { OwnNames } from "./derived-sql";
import { ensureKeptTables } from "./kept-state";
import { applyTargetOf, applyTransactions, type ApplyTarget } from "./logical-apply";
import { RawTextPgoutput, TransactionAssembler, type Txn } from "./logical-decode";
import {
  HEARTBEAT_MESSAGE,
  readHeartbeatKey,
  startHeartbeats,
  verifyHeartbeat,
} from "./logical-heartbeats";
import { formatLsn, parseLsn } from "./lsn";

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

export function startLogicalConsumer(o: LogicalConsumerOptions): LogicalConsumer {
  const { pool, binding } = o;
  const logical = binding.logical!;
  const state = o.own.ownTable("logical_state");
  const target: ApplyTarget = applyTargetOf(binding, o.own, `${hostname()}:${process.pid}`);
  const flushMs = o.flushMs ?? 200;
  const maxBatch = o.maxBatch ?? 5_000;
  const assembler = new TransactionAssembler(binding.table);
  let stopped = false;
  let service: LogicalReplicationService | null = null;
  /** end of what is committed here (and so may be acknowledged) */
  let applied = 0n;
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

  async function ack(lsn: bigint) {
    if (broken) return;
    // the library reports lsn + 1 as flushed; PostgreSQL resumes at the flushed position, and a
    // commit may start exactly at the previous one's end, so report that end itself
    if (lsn > 0n) await service?.acknowledge(formatLsn(lsn - 1n));
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
        await ensureKeptTables(pool, o.own);
        const reached = await inTransaction(pool, (c) =>
          applyTransactions(c, target, {
            txns,
            heartbeatAt: heartbeat?.at ?? null,
            rejected: forged,
          }),
        );
        applied = reached > applied ? reached : applied;
        const ackAt = heartbeat && heartbeat.lsn > applied ? heartbeat.lsn : applied;
        await ack(ackAt);
      })
      .catch((err: Error) => breakStream(err));
    return flushing;
  }

  async function onData(lsn: string, m: Pgoutput.Message) {
    if (broken) return;
    const d = assembler.accept(lsn, m);
    if (d?.kind === "truncated")
      log.warn(
        { table: binding.base },
        "logical capture: the table was truncated; its keys' expiry is not captured",
      );
    else if (d?.kind === "message" && d.prefix === HEARTBEAT_MESSAGE) {
      const at = verifyHeartbeat(heartbeatKey, d.content);
      if (at === null) {
        rejected += 1;
        return;
      }
      // stream order is commit order: every change before this message has arrived
      caughtUp = { at, lsn: d.lsn };
      if (pending.length === 0) await flush();
    } else if (d?.kind === "commit" && d.txn.commitLsn >= applied) {
      pending.push(d.txn);
      pendingChanges += d.txn.changes.length;
      // back-pressure: with flow control the stream waits for this handler
      if (pendingChanges >= maxBatch) await flush();
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
          [target.instance],
        );
        if (!r.rows[0]) throw new Error("logical capture: its position row is missing");
        applied = parseLsn(r.rows[0].applied);
        heartbeatKey = await readHeartbeatKey(pool, o.own.ownTable("secrets"));
        assembler.reset();
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
