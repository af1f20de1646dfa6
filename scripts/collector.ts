// `npm run collector`: the rollup collector as its own process (instead of inside the app).
import { config } from "../lib/config";
import { startCollector } from "../lib/rollups/collector";
import { keepSourceFresh } from "../lib/sources/refresher";

const cfg = config();
if (!cfg.databaseUrl) {
  console.error("collector: set DATABASE_URL");
  process.exit(1);
}
await keepSourceFresh(cfg);
const collector = startCollector({ databaseUrl: cfg.databaseUrl, cfg });
console.log("collector running (Ctrl-C stops it); only the advisory-lock leader collects");
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void collector.stop().then(() => process.exit(0));
  });
}
