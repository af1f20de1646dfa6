// After a history fold (lib/fold/history.ts), idemscope's largest indexes are rebuilt once,
// concurrently (docs/performance.md, "Footprint"). The fold goes newest first, so every batch
// inserts below the rows already there, at the low end of each index's range; a B-tree page that
// splits there is split in two halves, and the upper one is never filled again: the per-client
// and per-endpoint indexes end about half full (rollup_clients_pkey 58 B a row instead of 38 at
// 10 M keys). Live batches insert at the high end, where PostgreSQL packs the pages, so after the
// rebuild they stay close to their rebuilt size. REINDEX CONCURRENTLY blocks neither the store
// nor the live fold; it waits while the store is under pressure (lib/fold/pressure.ts), and an
// attempt that fails leaves no half-built index behind.
import type { Pool, PoolClient } from "pg";
import type { Config } from "../core/config";
import { HISTORY_IMPORT_TABLE, type TableNames } from "../contract/tables";
import { log } from "../core/log";
import { storePressure } from "./pressure";

/** The indexes the history fold fills from below, largest first. */
export const HISTORY_FILLED_INDEXES = [
  "rollup_clients_pkey",
  "intent_memory_pkey",
  "rollup_clients_client_idx",
  "rollup_latency_pkey",
  "rollup_events_pkey",
  // (led by the bucket, as rollup_clients' key; hot intents' names by a hash, filled at random)
  "hot_intent_buckets_pkey",
] as const;

/** One rebuild may take this long (a store with many clients has large per-client indexes). */
const REBUILD_TIMEOUT_MS = 30 * 60_000;
/** After a failed attempt (a timeout, a cancelled statement), the next one waits this long. */
const RETRY_AFTER_MS = 10 * 60_000;

export type IndexRebuild = { index: string; bytesBefore: number; bytesAfter: number; ms: number };

/**
 * Whether a finished history fold still waits for its rebuild: the store's events folded, or a
 * library table's rows imported (lib/fold/history-import.ts), which fill the same indexes from
 * below. An import finished after the last rebuild (a source connected again) is due again.
 */
export async function rebuildDue(pool: Pool, t: TableNames): Promise<boolean> {
  const imported =
    t.source.capture.mapped && t.source.importsHistory
      ? `(SELECT finished_at FROM ${t.ownTable(HISTORY_IMPORT_TABLE)} WHERE id = 1 AND rows_read > 0)`
      : "NULL::timestamptz";
  const r = await pool.query<{ due: boolean }>(
    `SELECT (history_finished_at IS NOT NULL AND history_compacted_at IS NULL
             AND coalesce(history_total, 0) > 0)
            OR coalesce(${imported} > coalesce(history_compacted_at, '-infinity'), false) AS due
       FROM ${t.ownTable("collector_state")} WHERE id = 1`,
  );
  return r.rows[0]?.due ?? false;
}

/**
 * Rebuilds the indexes the history fold filled, one at a time, on a connection of its own, then
 * records it (collector_state.history_compacted_at). Throws on failure, after dropping what a
 * cancelled REINDEX CONCURRENTLY leaves (an invalid copy named …_ccnew).
 */
export async function rebuildHistoryIndexes(
  pool: Pool,
  t: TableNames,
  cfg: Config,
  hooks: {
    onClient?: (c: PoolClient | null) => void;
    timeoutMs?: number;
    /** checked before each index: the collector is stopping */
    stopping?: () => boolean;
  } = {},
): Promise<IndexRebuild[] | "pressure" | "stopped"> {
  const done: IndexRebuild[] = [];
  const c = await pool.connect();
  hooks.onClient?.(c);
  try {
    await c.query(`SET statement_timeout = ${Math.floor(hooks.timeoutMs ?? REBUILD_TIMEOUT_MS)}`);
    for (const index of HISTORY_FILLED_INDEXES) {
      if (hooks.stopping?.()) return "stopped";
      if (await storePressure(pool, cfg)) return "pressure";
      const name = `${t.own}.${index}`;
      const bytesBefore = await indexBytes(c, name);
      if (bytesBefore === 0) continue; // an older schema without it
      const t0 = performance.now();
      try {
        await c.query(`REINDEX INDEX CONCURRENTLY ${name}`);
      } catch (err) {
        await dropInvalidCopies(c, t);
        throw err;
      }
      done.push({
        index,
        bytesBefore,
        bytesAfter: await indexBytes(c, name),
        ms: performance.now() - t0,
      });
    }
    await c.query(
      `UPDATE ${t.ownTable("collector_state")} SET history_compacted_at = now() WHERE id = 1`,
    );
    return done;
  } finally {
    hooks.onClient?.(null);
    await c.query("RESET statement_timeout").catch(() => undefined);
    c.release();
  }
}

/** An index's size in bytes; 0 when it does not exist. */
async function indexBytes(c: PoolClient, name: string): Promise<number> {
  const r = await c.query<{ n: string }>(
    `SELECT coalesce(pg_relation_size(to_regclass($1)), 0)::text AS n`,
    [name],
  );
  return Number(r.rows[0]!.n);
}

/** Drops the invalid index copies a cancelled REINDEX CONCURRENTLY left in idemscope's schema. */
async function dropInvalidCopies(c: PoolClient, t: TableNames): Promise<void> {
  const r = await c.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, i.relname) AS name
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_namespace n ON n.oid = i.relnamespace
      WHERE n.oid = to_regnamespace($1) AND NOT x.indisvalid AND i.relname ~ '_ccnew[0-9]*$'`,
    [t.own],
  );
  for (const { name } of r.rows)
    await c.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`).catch(() => undefined);
}

/**
 * The collector's side: starts the rebuild in the background once the history fold finished
 * (never while one runs), retries a failed one later, and cancels a running one on stop.
 */
export function historyIndexRebuilder(pool: Pool, cfg: Config) {
  let running: Promise<void> | null = null;
  let client: PoolClient | null = null;
  // looked at once when the collector starts and whenever a history fold ends (or after a
  // failed or postponed attempt, RETRY_AFTER_MS later), not on every tick
  let pending = true;
  let notBefore = 0;
  let stopping = false;

  function historyDone(t: TableNames): void {
    if (!cfg.collectorLimits.rebuildIndexesAfterHistory || !pending || running || stopping) return;
    if (Date.now() < notBefore) return;
    pending = false;
    running = (async () => {
      if (!(await rebuildDue(pool, t))) return;
      const result = await rebuildHistoryIndexes(pool, t, cfg, {
        onClient: (c) => (client = c),
        stopping: () => stopping,
      });
      if (result === "stopped") return;
      if (result === "pressure") {
        pending = true;
        notBefore = Date.now() + RETRY_AFTER_MS;
        log.info(
          "collector: index rebuild after the history fold waits, the store is under pressure",
        );
        return;
      }
      const mib = (b: number) => Math.round(b / 2 ** 20);
      log.info(
        {
          indexes: result.map((r) => `${r.index} ${mib(r.bytesBefore)} → ${mib(r.bytesAfter)} MiB`),
          ms: Math.round(result.reduce((s, r) => s + r.ms, 0)),
        },
        "collector: indexes the history fold filled rebuilt",
      );
    })()
      .catch((err: Error) => {
        pending = true;
        notBefore = Date.now() + RETRY_AFTER_MS;
        log.warn({ err: err.message }, "collector: index rebuild after the history fold failed");
      })
      .finally(() => {
        running = null;
      });
  }

  return {
    historyDone,
    /** a history fold is under way: look again once it ends */
    historyActive: () => {
      pending = true;
    },
    /** cancels a rebuild under way (it is done again by the next collector) and waits for it */
    stop: async () => {
      stopping = true;
      const c = client as PoolClient | null;
      if (c && running) {
        const pid = (c as unknown as { processID?: number }).processID;
        if (pid) await pool.query("SELECT pg_cancel_backend($1)", [pid]).catch(() => undefined);
      }
      await running;
    },
  };
}
