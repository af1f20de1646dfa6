// What every mode of `npm run bench` is handed: the database, the parsed arguments, the log.
import path from "node:path";
import { parseArgs } from "node:util";
import type { Pool } from "pg";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");

export function parseBenchArgs(argv = process.argv.slice(2)) {
  const { values } = parseArgs({
    args: argv,
    options: {
      keys: { type: "string", default: "10000000" },
      clients: { type: "string", default: "5000" },
      endpoints: { type: "string", default: "8" },
      days: { type: "string", default: "30" },
      // the share of intents a client sent three to seven times (hot intents: issue #33), so that
      // no figure depends on one shape of data; 0 is the dataset's usual one or two requests
      "hot-share": { type: "string", default: "0" },
      runs: { type: "string", default: "30" },
      "raw-runs": { type: "string", default: "3" },
      port: { type: "string", default: "3300" },
      "data-dir": { type: "string", default: path.join(ROOT, ".data", "bench") },
      regenerate: { type: "boolean", default: false },
      // only the key search, lifecycle and trends timings (the rest takes minutes at 10 M keys)
      "keys-only": { type: "boolean", default: false },
      // only what trigger capture costs the service's writes (no dataset needed)
      "capture-only": { type: "boolean", default: false },
      // with --capture-only: rows both tables hold before the timed requests (rocket-rides' shape)
      "capture-rows": { type: "string", default: "0" },
      // only logical capture at 2,000 writes/s: event lag and the service's latency (no dataset)
      "logical-only": { type: "boolean", default: false },
      // only the collector: fold the whole dataset again from nothing, then idemscope's footprint
      "fold-only": { type: "boolean", default: false },
      // with --fold-only: the collector's history rate limit (events/s), and a time limit (s) after
      // which the fold stops part-way (for the writer's latency under a limit; no footprint then)
      "fold-limit": { type: "string" },
      "fold-seconds": { type: "string" },
      // with --fold-only, a diagnostic: the collector's backends at nice 19 (a local server only)
      "fold-nice": { type: "boolean", default: false },
      // with --fold-only: the reference writer's requests/s during the fold (0: an idle store)
      "fold-writer-rate": { type: "string", default: "200" },
      // a library's own table instead of the contract's (--keys rows shaped like its own):
      // connect, every route timed, the sequential scans of that table per route
      preset: { type: "string" },
      // with --preset: the key search indexes connect offers, created before the timings
      "search-indexes": { type: "boolean", default: false },
      // with --preset: stop after the import, its index rebuild and the footprint (no routes)
      "import-only": { type: "boolean", default: false },
      // only the live fold: lag at about 20,000 events/s on a scratch store (no dataset)
      "live-only": { type: "boolean", default: false },
      out: { type: "string", default: path.join(ROOT, "test-results", "bench") },
    },
  });
  return {
    values,
    keys: Number(values.keys),
    clients: Number(values.clients),
    endpoints: Number(values.endpoints),
    days: Number(values.days),
    hotShare: Math.min(1, Math.max(0, Number(values["hot-share"]) || 0)),
    runs: Number(values.runs),
    rawRuns: Number(values["raw-runs"]),
    port: Number(values.port),
  };
}

export type BenchArgs = ReturnType<typeof parseBenchArgs>;

export type BenchContext = {
  pool: Pool;
  databaseUrl: string;
  args: BenchArgs;
};

export const log = (m: string) => console.log(m);
export const fmt = (ms: number) =>
  ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
