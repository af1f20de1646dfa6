// `npm run collector`: the rollup collector as its own process (instead of inside the app). While
// it folds an existing store's history it prints the same progress the pages show.
import { config } from "../lib/core/config";
import { contextOf } from "../lib/contract/context";
import { createPool } from "../lib/db/pool";
import { startCollector } from "../lib/fold/collector";
import { getFoldStatus } from "../lib/query/store/fold-status";
import { keepSourceFresh } from "../lib/ingest/sources/refresher";
import { tableNames } from "../lib/contract/tables";
import { formatAge } from "../lib/client/format";

const cfg = config();
if (!cfg.databaseUrl) {
  console.error("collector: set DATABASE_URL");
  process.exit(1);
}
await keepSourceFresh(cfg);
const collector = startCollector({ databaseUrl: cfg.databaseUrl, cfg });
console.log("collector running (Ctrl-C stops it); only the advisory-lock leader collects");

// progress of the history fold, whichever replica does it
const progressPool = createPool(cfg.databaseUrl, { max: 1, applicationName: "idemscope-progress" });
let reported = false;
const progress = setInterval(() => {
  void getFoldStatus(contextOf(progressPool, tableNames(cfg), cfg))
    .then(({ history: h, limited, paused }) => {
      if (paused) console.log(`collector waits: ${paused.reason}`);
      if (!h || (h.finishedAt && reported)) return;
      if (h.finishedAt) {
        reported = true;
        console.log(`history folded: ${h.done.toLocaleString("en-US")} events`);
        return;
      }
      const share = h.total > 0 ? h.done / h.total : 0;
      const bar = "#".repeat(Math.round(share * 30)).padEnd(30, ".");
      console.log(
        `history [${bar}] ${h.done.toLocaleString("en-US")} / ${h.total.toLocaleString("en-US")} events (${(share * 100).toFixed(1)} %)` +
          `${h.completeFrom ? `, complete from ${h.completeFrom}` : ""}` +
          `${h.etaSeconds !== null ? `, about ${formatAge(h.etaSeconds)} left` : ""}` +
          `${limited ? `; ${limited}` : ""}`,
      );
    })
    .catch(() => undefined);
}, 5_000);
progress.unref();

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    clearInterval(progress);
    void collector
      .stop()
      .then(() => progressPool.end())
      .then(() => process.exit(0));
  });
}
