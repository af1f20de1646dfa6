// --fold-only: the collector folds the whole dataset again from nothing, newest first, as when a
// store is connected; then idemscope's footprint.
import fs from "node:fs/promises";
import { config } from "../../../lib/core/config";
import { contextOf } from "../../../lib/contract/context";
import type { TableNames } from "../../../lib/contract/tables";
import { applyRetention } from "../../../lib/fold/retention";
import { measureConnectFold } from "../connect-fold";
import { log, type BenchContext } from "../context";
import { footprintLines, measureFootprint } from "../footprint";
import { connectLine } from "../lines";
import type { Meta } from "../prepare-dataset";

export async function benchConnectFold(
  { pool, databaseUrl, args }: BenchContext,
  t: TableNames,
  meta: Meta,
  metaFile: string,
): Promise<void> {
  log("connecting to the store: the collector folds its history newest first …");
  const limit =
    args.values["fold-limit"] === undefined ? undefined : Number(args.values["fold-limit"]);
  const seconds =
    args.values["fold-seconds"] === undefined ? undefined : Number(args.values["fold-seconds"]);
  const connect = await measureConnectFold(pool, databaseUrl, t, {
    log,
    maxEventsPerSecond: limit,
    seconds,
    niceCollector: args.values["fold-nice"],
    writerRate: Number(args.values["fold-writer-rate"]),
  });
  if (seconds !== undefined) {
    // the dataset stays: the next --fold-only refolds it from nothing instead of generating it
    await fs.writeFile(metaFile, JSON.stringify(meta));
    console.log(
      `\n${connectLine(connect)} (stopped after ${seconds} s${limit ? `, history limited to ${limit.toLocaleString("en-US")} events/s` : ""}${args.values["fold-nice"] ? ", the collector's backends at nice 19" : ""}; the dataset is left part-folded: --fold-only again before --keys-only)`,
    );
    return;
  }
  // the dataset is folded now: a later full bench may reuse it
  await fs.writeFile(
    metaFile,
    JSON.stringify({
      ...meta,
      collectSeconds: connect.allSeconds,
      eventsPerSecond: connect.eventsPerSecond,
    }),
  );
  await applyRetention(contextOf(pool, t, config()), config().retentionDays);
  console.log(
    ["", connectLine(connect), ...footprintLines(await measureFootprint(pool, t))].join("\n"),
  );
  return;
}
