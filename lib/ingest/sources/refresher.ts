// Keeps this process's connected source current: read once before the process serves anything
// (instrumentation.ts, `npm run collector`), then every 15 s, so a `npm run connect -- --apply`
// or `--uninstall` reaches running servers without a restart.
import type { Config } from "../../core/config";
import { createPool } from "../../db/pool";
import { log } from "../../core/log";
import { refreshActiveSource } from "../../contract/source-binding";

const REFRESH_MS = 15_000;
const SLOT = Symbol.for("idemscope.sourceRefresher");

export async function keepSourceFresh(cfg: Config): Promise<void> {
  const g = globalThis as { [SLOT]?: Promise<void> };
  if (!cfg.databaseUrl) return;
  g[SLOT] ??= (async () => {
    const pool = createPool(cfg.databaseUrl!, { max: 1, applicationName: "idemscope-source" });
    const refresh = async (first: boolean) => {
      try {
        const { source, changed } = await refreshActiveSource(pool, cfg.idemscopeSchema);
        if (changed || (first && source))
          log.info(
            source ? { preset: source.preset.name, table: source.base } : { preset: "contract" },
            "store source in use",
          );
      } catch (err) {
        // the database may be down at start: keep what we have, try again later
        log.warn({ err: (err as Error).message }, "could not read the connected source");
      }
    };
    await refresh(true);
    setInterval(() => void refresh(false), REFRESH_MS).unref();
  })();
  return g[SLOT];
}
