// Next.js calls register() once per server process, before it serves: read the connected store
// source (lib/ingest/sources) and start the rollup collector there, so that every dashboard replica can
// collect and exactly one (the advisory-lock leader) does.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build")
    return;
  const { config } = await import("./lib/core/config");
  const { keepSourceFresh } = await import("./lib/ingest/sources/refresher");
  try {
    await keepSourceFresh(config());
  } catch {
    // an invalid configuration is reported by the collector's start and every request
  }
  const { startCollectorFromEnv } = await import("./lib/fold/start");
  startCollectorFromEnv();
}
