// Next.js calls register() once per server process: start the rollup collector there, so that
// every dashboard replica can collect and exactly one (the advisory-lock leader) does.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build")
    return;
  const { startCollectorFromEnv } = await import("./lib/rollups/start");
  startCollectorFromEnv();
}
