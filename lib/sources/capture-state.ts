// The capture's health for /api/metrics: the connected preset, the row changes waiting for the
// collector and the changes capture had to skip. Small reads: the queue is counted up to a cap
// (it holds about a second of changes while the collector runs).
import type { Pool, PoolClient } from "pg";
import type { StoreContext } from "../db/context";
import { CAPTURE_QUEUE_TABLE } from "./capture-sql";

const QUEUE_COUNT_CAP = 1_000_000;

export type CaptureState = { preset: string; queued: number | null; captureErrors: number | null };

export async function readCaptureState(
  ctx: StoreContext<Pool | PoolClient>,
): Promise<CaptureState> {
  const { tables: t } = ctx;
  if (!t.source) return { preset: "contract", queued: null, captureErrors: null };
  const queue = t.ownTable(CAPTURE_QUEUE_TABLE);
  const errors = t.ownTable("capture_errors");
  // each may have been dropped by hand: that must show in the metrics, not fail the scrape
  const present = await ctx.db.query<{ queue: boolean; errors: boolean }>(
    `SELECT to_regclass($1) IS NOT NULL AS queue, to_regclass($2) IS NOT NULL AS errors`,
    [queue, errors],
  );
  const has = present.rows[0]!;
  const queued = has.queue
    ? (
        await ctx.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${queue} LIMIT ${QUEUE_COUNT_CAP}) q`,
        )
      ).rows[0]!.n
    : null;
  const counted = has.errors
    ? (
        await ctx.db.query<{ n: string; called: boolean }>(
          `SELECT last_value AS n, is_called AS called FROM ${errors}`,
        )
      ).rows[0]!
    : null;
  return {
    preset: t.source.preset.name,
    queued,
    captureErrors: counted ? (counted.called ? Number(counted.n) : 0) : null,
  };
}
