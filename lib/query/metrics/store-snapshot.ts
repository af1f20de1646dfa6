// Everything /api/metrics reports about the store, read in one read-only snapshot with its own
// statement timeout: the all-time counters the collector keeps, stuck keys, table sizes from the
// catalog, keys waiting for the purger and the collector's state. A few small index reads.
import "server-only";
import type { StoreContext } from "../../contract/context";
import type { Pool } from "pg";
import { inTransaction } from "../../db/pool";
import { readStoreSize, storeSizeNames } from "../../fold/size-sampler";
import { readCollectorState, type CollectorState } from "../store/collector-status";
import { EXPIRED_COUNT_CAP, readExpiredKeys } from "../store/store-report";
import { stuckKeysByEndpoint } from "../store/stuck";
import { readCaptureState, type CaptureState } from "../../ingest/sources/capture-state";
import { readSlotStatus } from "../../ingest/sources/slot-status";
import { openDuplicates, overdueBefore } from "../store/reconciliation";
import type { SlotStatus } from "../../client/api-types/source";

export type CounterRow = { family: string; endpoint: string; outcome: string; value: number };

/** Key of an all-time counter in StoreSnapshot.totals. */
export const totalKey = (family: string, endpoint: string, outcome = "") =>
  `${family}\u0000${endpoint}\u0000${outcome}`;

export type StoreSnapshot = {
  totals: Map<string, number>;
  stuck: { endpoint: string; stuck: number; oldestAgeSeconds: number }[];
  tables: { name: string; rows: number; bytes: number }[];
  expired: { n: number; lag: number | null };
  /** the store's keys can be read: false for spans alone, whose stuck and expired series are absent */
  storeVisible: boolean;
  collector: CollectorState;
  /** every endpoint the counters or the stuck list know, so each series exists from the start */
  endpoints: string[];
  /** the connected source and its capture backlog (lib/ingest/sources) */
  source: CaptureState;
  /** logical capture's slot (null for other captures) */
  slot: SlotStatus | null;
  /** annotations sent so far, and the newest one's time (epoch seconds, 0 when none) */
  annotations: { total: number; lastAt: number };
  /** duplicate successes: open, overdue (IDEMSCOPE_RECONCILE_WITHIN_HOURS), reconciled by outcome */
  reconciliation: {
    open: number;
    overdue: number;
    oldestAgeSeconds: number;
    byOutcome: Map<string, number>;
  };
};

export async function readStoreSnapshot(ctx: StoreContext<Pool>): Promise<StoreSnapshot> {
  const { tables: t, config: cfg } = ctx;
  return inTransaction(
    ctx.db,
    async (c) => {
      const tx = { ...ctx, db: c };
      await c.query(`SELECT set_config('statement_timeout', $1, true)`, [
        String(cfg.metricsTimeoutMs),
      ]);
      const totals = await c.query<CounterRow>(
        `SELECT family, endpoint, outcome, value FROM ${t.ownTable("metric_totals")}`,
      );
      const stuck = await stuckKeysByEndpoint(tx);
      const tables = await readStoreSize(tx, storeSizeNames(tx));
      const expired = await readExpiredKeys(tx);
      const collector = await readCollectorState(tx);
      const source = await readCaptureState(tx);
      const slot = await readSlotStatus(tx);
      const annotations = await c.query<{ total: number; lastAt: number }>(
        `SELECT count(*)::float8 AS total, coalesce(extract(epoch FROM max(at)), 0)::float8 AS "lastAt"
           FROM ${t.ownTable("annotations")}`,
      );
      const open = await openDuplicates(c, t, overdueBefore(cfg));
      const outcomes = await c.query<{ outcome: string; n: number }>(
        `SELECT outcome, count(*)::float8 AS n FROM ${t.ownTable("reconciliations")} GROUP BY 1`,
      );
      const endpoints = new Set([
        ...totals.rows.map((r) => r.endpoint),
        ...stuck.map((s) => s.endpoint),
        ...cfg.lockTimeoutSecondsByEndpoint.keys(),
      ]);
      return {
        totals: new Map(
          totals.rows.map((r) => [totalKey(r.family, r.endpoint, r.outcome), r.value]),
        ),
        stuck,
        // spans alone: the stand-in keys table is idemscope's, not the store (its size says nothing)
        tables: t.source.capture.readsStore
          ? tables
          : tables.filter((x) => x.name !== t.source.table.name),
        expired: { n: Math.min(expired.n, EXPIRED_COUNT_CAP), lag: expired.lag },
        storeVisible: t.source.capture.readsStore,
        collector,
        endpoints: [...endpoints].sort(),
        source,
        slot,
        annotations: annotations.rows[0] ?? { total: 0, lastAt: 0 },
        reconciliation: {
          open: open.count,
          overdue: open.overdue,
          oldestAgeSeconds: open.oldestFirstRequestAt
            ? Math.max(0, (Date.now() - Date.parse(open.oldestFirstRequestAt)) / 1000)
            : 0,
          byOutcome: new Map(outcomes.rows.map((r) => [r.outcome, r.n])),
        },
      };
    },
    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
  );
}
