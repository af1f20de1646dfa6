// `npm run bench [-- --keys 1000000]`: idemscope against the naive raw SQL on a large store.
// Generates the dataset once (kept in .data/bench; --regenerate to redo), folds it with the
// collector (throughput), measures the writer cost of the dashboard's indexes, then times every
// /api/v1 read endpoint over HTTP (warm, no shared cache) against the equivalent raw queries and
// counts sequential scans of the contract tables during a dashboard tour. Each mode is a file of
// scripts/bench/modes/; the flags that pick one are below.
import path from "node:path";
import { config } from "../lib/core/config";
import { migrate } from "../lib/contract/migrate";
import { uninstallSource } from "../lib/ingest/sources/connect";
import { tableNames } from "../lib/contract/tables";
import { createPool } from "../lib/db/pool";
import { parseBenchArgs, type BenchContext } from "./bench/context";
import { benchTriggerCapture } from "./bench/modes/capture";
import { benchDashboard } from "./bench/modes/dashboard";
import { benchConnectFold } from "./bench/modes/fold";
import { benchLiveFold } from "./bench/modes/live";
import { benchLogicalCapture } from "./bench/modes/logical";
import { benchPreset } from "./bench/modes/preset";
import { prepareDataset } from "./bench/prepare-dataset";
import { startEmbeddedPostgres } from "./support/embedded-postgres";

const args = parseBenchArgs();
const { values } = args;

/** The modes that need no dataset, by their flag. */
const WITHOUT_DATASET = {
  "logical-only": benchLogicalCapture,
  "live-only": benchLiveFold,
  "capture-only": benchTriggerCapture,
} as const;

async function main() {
  const pg = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({
        dataDir: values["data-dir"],
        postgresFlags: [
          "-c",
          "shared_buffers=2GB",
          "-c",
          "work_mem=64MB",
          "-c",
          "max_wal_size=8GB",
          "-c",
          "maintenance_work_mem=1GB",
        ],
      });
  const databaseUrl = process.env.DATABASE_URL ?? pg!.url;
  const pool = createPool(databaseUrl, { max: 8, applicationName: "idemscope-bench" });
  const bench: BenchContext = { pool, databaseUrl, args };
  try {
    for (const [flag, run] of Object.entries(WITHOUT_DATASET))
      if (values[flag as keyof typeof WITHOUT_DATASET]) return await run(bench);
    if (values.preset) return await benchPreset(bench);
    await migrate({ databaseUrl, includeStore: true });
    const t = tableNames();
    // the contract's own store: a library's table a --preset run left connected would be read
    // instead (disconnecting it empties the rollups: the dataset is folded again below)
    const disconnected = await uninstallSource(pool, {
      own: t.own,
      ownTable: t.ownTable,
      schema: config().idemscopeSchema,
    });
    const metaFile = path.join(
      values["data-dir"],
      "..",
      `bench-meta-${path.basename(values["data-dir"])}.json`,
    );
    // --fold-only refolds from nothing anyway: folding the fresh dataset first would be wasted
    const meta = await prepareDataset(
      bench,
      t,
      metaFile,
      !values["fold-only"],
      disconnected.applied,
    );
    if (values["fold-only"]) await benchConnectFold(bench, t, meta, metaFile);
    else await benchDashboard(bench, t, meta);
  } finally {
    await pool.end();
    await pg?.stop();
  }
}

main().catch((err: Error) => {
  console.error(`bench: ${err.message}`);
  process.exit(1);
});
