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
  const r = await ctx.db.query<{ queued: number; errors: string; called: boolean }>(
    `SELECT (SELECT count(*) FROM (SELECT 1 FROM ${t.ownTable(CAPTURE_QUEUE_TABLE)} LIMIT ${QUEUE_COUNT_CAP}) q)::int AS queued,
            e.last_value AS errors, e.is_called AS called
       FROM ${t.ownTable("capture_errors")} e`,
  );
  const row = r.rows[0];
  return {
    preset: t.source.preset.name,
    queued: row?.queued ?? 0,
    captureErrors: row?.called ? Number(row.errors) : 0,
  };
}
