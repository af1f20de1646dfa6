// The capture's health for /api/metrics and the Store page: the connected preset, the row changes
// waiting for the collector (and the queue's size against its bound), the changes capture had to
// skip, and the dead letters (changes the derivation could not read). Small reads: the queue and
// the dead letters are counted up to a cap, the queue's size comes from the catalog.
import type { Pool, PoolClient } from "pg";
import type { CaptureHealth } from "../../client/api-types/source";
import type { StoreContext } from "../../contract/context";
import { DEAD_LETTERS_TABLE } from "./capture-drain";
import { CAPTURE_QUEUE_TABLE } from "./capture-sql";

const QUEUE_COUNT_CAP = 1_000_000;
const DEAD_LETTER_COUNT_CAP = 100_000;

export type CaptureState = { preset: string } & CaptureHealth;

const NO_CAPTURE: CaptureHealth = {
  queued: null,
  queueBytes: null,
  queueLimitBytes: null,
  captureErrors: null,
  deadLetters: null,
  recentDeadLetters: [],
};

export async function readCaptureState(
  ctx: StoreContext<Pool | PoolClient>,
): Promise<CaptureState> {
  const { tables: t } = ctx;
  if (!t.source.capture.mapped) return { preset: t.source.preset.name, ...NO_CAPTURE };
  const queue = t.ownTable(CAPTURE_QUEUE_TABLE);
  const errors = t.ownTable("capture_errors");
  const dead = t.ownTable(DEAD_LETTERS_TABLE);
  // each may have been dropped by hand: that must show in the metrics, not fail the scrape
  const present = await ctx.db.query<{ queue: boolean; errors: boolean; dead: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS queue, to_regclass($2) IS NOT NULL AS errors,
            to_regclass($3) IS NOT NULL AS dead`,
    [queue, errors, dead],
  );
  const has = present.rows[0]!;
  const queued = has.queue
    ? (
        await ctx.db.query<{ n: number; bytes: string }>(
          `SELECT (SELECT count(*)::int FROM (SELECT 1 FROM ${queue} LIMIT ${QUEUE_COUNT_CAP}) q) AS n,
                  pg_relation_size($1::regclass)::text AS bytes`,
          [queue],
        )
      ).rows[0]!
    : null;
  const counted = has.errors
    ? (
        await ctx.db.query<{ n: string; called: boolean }>(
          `SELECT last_value AS n, is_called AS called FROM ${errors}`,
        )
      ).rows[0]!
    : null;
  const [deadCount, recent] = has.dead
    ? await Promise.all([
        ctx.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${dead} LIMIT ${DEAD_LETTER_COUNT_CAP}) d`,
        ),
        ctx.db.query<{ at: Date; op: string; sqlstate: string; error: string }>(
          `SELECT dead_at AS at, op, sqlstate, error FROM ${dead} ORDER BY id DESC LIMIT 5`,
        ),
      ])
    : [null, null];
  return {
    preset: t.source.preset.name,
    queued: queued?.n ?? null,
    queueBytes: queued ? Number(queued.bytes) : null,
    queueLimitBytes: ctx.config.captureQueueLimitBytes,
    captureErrors: counted ? (counted.called ? Number(counted.n) : 0) : null,
    deadLetters: deadCount?.rows[0]?.n ?? null,
    recentDeadLetters: (recent?.rows ?? []).map((r) => ({
      at: r.at.toISOString(),
      op: r.op,
      sqlstate: r.sqlstate,
      error: r.error,
    })),
  };
}
