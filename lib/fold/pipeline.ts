// The fold of one batch, in order: each step names the work tables (temp tables emptied at commit,
// lib/fold/work-tables.ts) it reads and writes, so the path from an event to its rollup rows can
// be read here, top to bottom. tests/unit/fold-pipeline.test.ts checks that every table a step
// reads was written before it, and that each step's SQL touches only the tables it names.
import type { Pool } from "pg";
import type { StoreContext } from "../contract/context";
import type { BatchContext } from "./batch-context";
import { refreshClientSnapshots } from "./client-totals";
import { refreshStormHistory } from "./storm-history";
import { refreshHotKeyTops } from "./hot-keys-top";
import { applyRetention } from "./retention";
import { sampleStoreSize, storeSizeNames } from "./size-sampler";
import { sampleStuckKeys } from "./stuck-sampler";
import { foldEvents, foldLatency, sumBatchCells } from "./fold-cells";
import { classifyIntents, foldSuccesses, rememberIntents } from "./fold-intents";
import { foldClientRows, foldRetryDelays } from "./fold-requests";
import { foldHotIntents } from "./fold-hot-intents";
import { priceDuplicates } from "./price-duplicates";
import { foldMetricTotals } from "./fold-metric-totals";
import { foldRecentErrors } from "./fold-recent-errors";
import { fillKeptState, pruneExpiryMinutes } from "../ingest/sources/kept-state";

/** The batch's work tables; `batch` (its events) is filled before the first step. */
export type WorkTable = "batch" | "batch_cells" | "touched" | "success_deltas" | "hot_now";

export type BatchStep = {
  name: string;
  /** the file of lib/fold that holds it (the test reads its SQL there) */
  module: string;
  reads: WorkTable[];
  writes: WorkTable[];
  run: (b: BatchContext) => Promise<void>;
};

export const BATCH_INPUT: WorkTable = "batch";

export const BATCH_STEPS: readonly BatchStep[] = [
  {
    name: "sum the batch into cells (finest kept grain × endpoint × kind × class × latency bin)",
    module: "fold-cells.ts",
    reads: ["batch"],
    writes: ["batch_cells"],
    run: sumBatchCells,
  },
  {
    name: "requests per resolution, endpoint, kind and response class",
    module: "fold-cells.ts",
    reads: ["batch_cells"],
    writes: [],
    run: foldEvents,
  },
  {
    name: "latency histograms",
    module: "fold-cells.ts",
    reads: ["batch_cells"],
    writes: [],
    run: foldLatency,
  },
  {
    name: "classify each intent against the intent memory",
    module: "fold-intents.ts",
    reads: ["batch"],
    writes: ["touched"],
    run: classifyIntents,
  },
  {
    name: "first and duplicate successes",
    module: "fold-intents.ts",
    reads: ["batch", "touched"],
    writes: ["success_deltas"],
    run: foldSuccesses,
  },
  {
    name: "retry delays",
    module: "fold-requests.ts",
    reads: ["batch", "touched"],
    writes: [],
    run: foldRetryDelays,
  },
  {
    name: "per-client rows (requests, keys, retries)",
    module: "fold-requests.ts",
    reads: ["batch", "batch_cells", "touched"],
    writes: [],
    run: foldClientRows,
  },
  {
    name: "remember the intents; name those that succeeded twice",
    module: "fold-intents.ts",
    reads: ["touched"],
    writes: [],
    run: rememberIntents,
  },
  {
    name: "hot keys",
    module: "fold-hot-intents.ts",
    reads: ["batch", "touched"],
    writes: ["hot_now"],
    run: foldHotIntents,
  },
  {
    name: "price the new duplicate successes",
    module: "price-duplicates.ts",
    reads: ["touched"],
    writes: [],
    run: priceDuplicates,
  },
  {
    name: "all-time counters of /api/metrics",
    module: "fold-metric-totals.ts",
    reads: ["batch_cells", "success_deltas"],
    writes: [],
    run: foldMetricTotals,
  },
  {
    name: "recent errors",
    module: "fold-recent-errors.ts",
    reads: ["batch"],
    writes: [],
    run: foldRecentErrors,
  },
];

/** Folds the transaction's work table `batch` into every rollup, in any order of batches. */
export async function runBatchPipeline(b: BatchContext): Promise<void> {
  // the folds join the batch's events to its intents on three text columns: a merge join sorts
  // them in the database's collation (slow, and never better here than hashing them)
  await b.db.query("SET LOCAL enable_mergejoin = off");
  for (const step of BATCH_STEPS) await step.run(b);
}

/** How often the leader runs each periodic job (CollectorOptions overrides them in tests). */
export type JobPeriods = {
  sampleEveryMs?: number;
  stuckSampleEveryMs?: number;
  clientsEveryMs?: number;
  retentionEveryMs?: number;
};

export type PeriodicJob = {
  name: string;
  everyMs: (p: JobPeriods) => number;
  run: (ctx: StoreContext<Pool>) => Promise<unknown>;
};

/** The leader's jobs besides the batches, each when its period has passed, in this order. */
export const PERIODIC_JOBS: readonly PeriodicJob[] = [
  {
    // connect fills it as it installs capture; this finishes a fill that was interrupted
    name: "kept state upkeep",
    everyMs: (p) => p.sampleEveryMs ?? 60_000,
    run: async (ctx) => {
      if (!ctx.tables.kept) return;
      await fillKeptState(ctx.db, ctx.tables);
      await pruneExpiryMinutes(ctx.db, ctx.tables);
    },
  },
  {
    name: "store size sample",
    everyMs: (p) => p.sampleEveryMs ?? 60_000,
    run: (ctx) => sampleStoreSize(ctx, storeSizeNames(ctx)),
  },
  {
    name: "stuck keys sample",
    everyMs: (p) => p.stuckSampleEveryMs ?? 15_000,
    run: sampleStuckKeys,
  },
  {
    name: "Clients page snapshots",
    everyMs: (p) => p.clientsEveryMs ?? 15_000,
    run: refreshClientSnapshots,
  },
  {
    // the Overview's hot keys over hours and a week, ranked (lib/fold/hot-keys-top.ts)
    name: "hot keys rankings",
    everyMs: (p) => p.clientsEveryMs ?? 15_000,
    run: refreshHotKeyTops,
  },
  {
    // past retry storms from the hour rows (the live one is in the snapshots above)
    name: "storm history",
    everyMs: (p) => p.clientsEveryMs ?? 300_000,
    run: refreshStormHistory,
  },
  {
    name: "retention",
    everyMs: (p) => p.retentionEveryMs ?? 600_000,
    run: (ctx) => applyRetention(ctx, ctx.config.retentionDays),
  },
];
