// The bench's dataset: generated once into the store's tables and folded by the collector (its
// throughput is measured then), reused by later runs unless --regenerate.
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import { config } from "../../lib/core/config";
import { contextOf } from "../../lib/contract/context";
import { contractStatements } from "../../lib/contract/schema/contract";
import { FOLDED_TABLES } from "../../lib/contract/schema/rollups";
import { searchIndexStatements } from "../../lib/contract/schema/search";
import type { TableNames } from "../../lib/contract/tables";
import { collectBatch } from "../../lib/fold/collect-batch";
import { log, type BenchContext } from "./context";
import { generateDataset } from "./dataset";

export type Meta = {
  keys: number;
  /** the share of hot intents it was generated with (absent: 0, an older dataset) */
  hotShare?: number;
  /** hot intents' retries among the other events in time order (absent: after each chunk) */
  timeOrdered?: boolean;
  events: number;
  generateSeconds: number;
  collectSeconds: number;
  eventsPerSecond: number;
};

export async function prepareDataset(
  { pool, args }: BenchContext,
  t: TableNames,
  metaFile: string,
  // --fold-only refolds from nothing anyway: folding the fresh dataset first would be wasted
  fold = true,
  // the rollups were emptied (a library's table disconnected): the same events, folded again
  refold = false,
): Promise<Meta> {
  if (!args.values.regenerate && existsSync(metaFile)) {
    const meta = JSON.parse(await fs.readFile(metaFile, "utf8")) as Meta;
    const shaped = (meta.hotShare ?? 0) === 0 || meta.timeOrdered === true;
    if (meta.keys === args.keys && (meta.hotShare ?? 0) === args.hotShare && shaped) {
      log(
        `reusing the dataset in ${args.values["data-dir"]} (${meta.keys.toLocaleString("en-US")} keys; --regenerate to redo)`,
      );
      if (!refold || !fold) return meta;
      log("  folding it again: its rollups were emptied");
      await emptyRollups(pool, t);
      return { ...meta, ...(await foldDataset(pool, t)) };
    }
  }
  const cfg = config();
  await pool.query(`TRUNCATE ${t.keys}, ${t.events} RESTART IDENTITY`);
  await emptyRollups(pool, t);
  log(
    `generating ${args.keys.toLocaleString("en-US")} keys, ${args.clients} clients, ${args.endpoints} endpoints, ${args.days} days, ${Math.round(args.hotShare * 100)} % hot intents …`,
  );
  const names = { keys: cfg.keysTable, events: cfg.eventsTable };
  const indexStatements = [
    ...contractStatements(t, names).filter((s) => s.startsWith("CREATE INDEX")),
    ...searchIndexStatements(t, names),
  ];
  const g0 = performance.now();
  const { events } = await generateDataset(pool, t, args, indexStatements, log);
  const generateSeconds = (performance.now() - g0) / 1000;
  log(
    `  ${events.toLocaleString("en-US")} events in ${generateSeconds.toFixed(0)} s; folding them into the rollups …`,
  );
  const meta: Meta = {
    keys: args.keys,
    hotShare: args.hotShare,
    timeOrdered: true,
    events,
    generateSeconds,
    ...(fold ? await foldDataset(pool, t) : { collectSeconds: 0, eventsPerSecond: 0 }),
  };
  if (fold) await fs.writeFile(metaFile, JSON.stringify(meta));
  return meta;
}

/** The events folded into the rollups oldest first, as a collector that keeps up does. */
async function foldDataset(
  pool: BenchContext["pool"],
  t: TableNames,
): Promise<Pick<Meta, "collectSeconds" | "eventsPerSecond">> {
  const c0 = performance.now();
  let folded = 0;
  for (;;) {
    const r = await collectBatch(contextOf(pool, t, config()), { batchSize: 100_000 });
    folded += r.events;
    if (folded % 2_000_000 < 100_000) log(`  collected ${folded.toLocaleString("en-US")}`);
    if (r.caughtUp) break;
  }
  const collectSeconds = (performance.now() - c0) / 1000;
  return { collectSeconds, eventsPerSecond: folded / collectSeconds };
}

/** The rollups emptied and the collector back at the first event: the next fold starts over. */
async function emptyRollups(pool: BenchContext["pool"], t: TableNames): Promise<void> {
  for (const table of FOLDED_TABLES) await pool.query(`TRUNCATE ${t.ownTable(table)}`);
  await pool.query(
    `UPDATE ${t.ownTable("collector_state")} SET watermark = 0, events_total = 0, batches_total = 0`,
  );
}
