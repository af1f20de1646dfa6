// The intent memory (lib/fold/fold-intents.ts) is an UNLOGGED table: it is the largest thing
// the collector writes, by the intent, into the middle of a hashed index, and it was half of the
// collector's WAL (docs/performance.md, "The intent memory writes no WAL"). Only the collector
// reads it, on the primary; everything in it can be derived again from the events. A crash of
// the server (or a failover to a standby) empties an unlogged table, and with it the one-row
// marker beside it: the collector then rebuilds the memory from the folded events before it
// folds anything else, and every batch checks the marker in its own transaction, so no batch is
// ever folded against an emptied memory.
import type { Pool, PoolClient } from "pg";
import type { StoreContext } from "../contract/context";
import { inTransaction } from "../db/pool";
import { log } from "../core/log";
import { since } from "../contract/grains";
import {
  foldedBefore,
  foldedParams,
  intentHash,
  MEMORY_COLUMNS_OF_AGGREGATE,
  perIntentAggregate,
  REQUEST_KINDS,
} from "../contract/vocabulary";

/** The memory was emptied (a crash or a failover) and not rebuilt yet: the batch must not fold. */
export class IntentMemoryLostError extends Error {
  constructor() {
    super("the intent memory was emptied by a server restart; it is rebuilt before folding");
  }
}

/** Whether the memory's marker row is there (a crash or a failover empties it with the memory). */
async function memoryWhole(db: Pool | PoolClient, memoryMarker: string): Promise<boolean> {
  const r = await db.query<{ ok: boolean }>(`SELECT EXISTS (SELECT FROM ${memoryMarker}) AS ok`);
  return r.rows[0]?.ok ?? false;
}

/** Throws IntentMemoryLostError when the memory's marker is gone (inside the batch's transaction). */
export async function assertIntentMemory(c: PoolClient, memoryMarker: string): Promise<void> {
  if (!(await memoryWhole(c, memoryMarker))) throw new IntentMemoryLostError();
}

const REBUILDING =
  "the intent memory (unlogged) was emptied by a server crash or failover and is being rebuilt from the events; new events are folded once it is done";

export type MemoryRebuild = { intents: number; events: number; seconds: number };

/**
 * Rebuilds the memory when its marker is gone: every intent as folding the events already folded
 * (ids up to the watermark, but for the history not yet folded and the gaps still awaited) would
 * have left it. Returns null when the memory is whole. The collector_state row is locked
 * throughout, so no batch folds meanwhile.
 */
export async function ensureIntentMemory(
  ctx: StoreContext<Pool>,
  horizonDays: number | null,
): Promise<MemoryRebuild | null> {
  const own = ctx.tables.ownTable;
  const marker = own("intent_memory_marker");
  if (await memoryWhole(ctx.db, marker)) return null;
  const t0 = performance.now();
  // said on every page while it runs (the live fold waits for it), as a pressure pause is
  const before = await ctx.db.query<{ reason: string | null; since: Date | null }>(
    `UPDATE ${own("collector_state")} n SET paused_reason = $1, paused_since = now()
       FROM ${own("collector_state")} o WHERE n.id = 1 AND o.id = 1
     RETURNING o.paused_reason AS reason, o.paused_since AS since`,
    [REBUILDING],
  );
  // the pause to put back: a rebuild that failed before left its own
  const was = before.rows[0];
  const pause = was && was.reason !== REBUILDING ? was : { reason: null, since: null };
  const rebuilt = await inTransaction(
    ctx.db,
    async (c) => {
      const s = await c.query<{ watermark: string; lo: string | null; hi: string | null }>(
        `SELECT watermark, history_lo AS lo, history_hi AS hi
           FROM ${own("collector_state")} WHERE id = 1 FOR UPDATE`,
      );
      if (await memoryWhole(c, marker)) return null; // another collector rebuilt it meanwhile
      const state = s.rows[0]!;
      log.warn(
        { watermark: state.watermark },
        "collector: the intent memory was emptied by a server restart; rebuilding it from the events",
      );
      // one statement over the horizon's events: longer than a batch may take (a minute at
      // 10 M keys: docs/performance.md), so it has the index rebuild's limit instead
      await c.query(`SET LOCAL statement_timeout = '30min'`);
      await c.query(`TRUNCATE ${own("intent_memory")}`);
      const n = await c.query<{ intents: number; events: number }>(
        rebuildSql(ctx.tables.events, own, horizonDays),
        foldedParams({ watermark: state.watermark, historyLo: state.lo, historyHi: state.hi }),
      );
      await c.query(`INSERT INTO ${marker} (rebuilt_at) VALUES (now())`);
      await c.query(
        `UPDATE ${own("collector_state")}
            SET memory_rebuilt_at = now(), paused_reason = $1, paused_since = $2 WHERE id = 1`,
        [pause.reason, pause.since],
      );
      return n.rows[0]!;
    },
    "BEGIN ISOLATION LEVEL REPEATABLE READ",
  );
  if (!rebuilt) return null;
  const seconds = (performance.now() - t0) / 1000;
  log.info({ ...rebuilt, seconds }, "collector: intent memory rebuilt");
  return { ...rebuilt, seconds };
}

/**
 * One statement: the folded events (within the horizon) summed per intent, as the batches'
 * aggregate sums them, and inserted. With a horizon, an intent is remembered only when its first
 * folded request is within it (an intent first seen before it was dropped by retention, or never
 * remembered): those with an earlier folded request are left out, one probe each of the events'
 * (scope, endpoint, key, at) index.
 */
function rebuildSql(
  events: string,
  own: (t: string) => string,
  horizonDays: number | null,
): string {
  const gaps = own("collector_gaps");
  const cutoff = horizonDays === null ? null : `(SELECT ${since(horizonDays)})`;
  const folded = (e: string) => foldedBefore(e, gaps, 1);
  return `WITH per AS (
       ${perIntentAggregate(`${events} e WHERE ${folded("e")} ${cutoff ? `AND e.at >= ${cutoff}` : ""}`)}),
     kept AS (
       SELECT * FROM per p
        ${
          cutoff
            ? `WHERE (p.breq IS NOT NULL OR p.bfirst IS NOT NULL) AND NOT EXISTS (
                 SELECT FROM ${events} x
                  WHERE x.scope = p.scope AND x.endpoint = p.endpoint AND x.key = p.key
                    AND x.at < ${cutoff} AND x.kind IN ${REQUEST_KINDS} AND ${folded("x")})`
            : ""
        }),
     ins AS (
       INSERT INTO ${own("intent_memory")}
              (intent, first_request_at, first_request_id, first_success_at, first_success_id, successes, requests)
       SELECT ${intentHash()}, ${MEMORY_COLUMNS_OF_AGGREGATE}
         FROM kept ORDER BY 1
       RETURNING 1)
     SELECT (SELECT count(*)::float8 FROM ins) AS intents, (SELECT coalesce(sum(n), 0)::float8 FROM per) AS events`;
}
