// --live-only: the live fold's lag at about 20,000 events/s on a scratch store (no dataset).
import { measureCollectorLag } from "../collector-lag";
import { log, type BenchContext } from "../context";

export async function benchLiveFold({ pool, databaseUrl }: BenchContext): Promise<void> {
  log("collector lag at 12,000 requests/s (about 20,000 events/s) for 60 s …");
  const lag = await measureCollectorLag(pool, databaseUrl, 12_000, 60);
  console.log(
    `\nCollector lag at ${Math.round(lag.requestsPerSecond).toLocaleString("en-US")} requests/s (${Math.round(lag.eventsPerSecond).toLocaleString("en-US")} events/s) for 60 s: p50 ${lag.p50.toFixed(1)} s, p95 ${lag.p95.toFixed(1)} s, max ${lag.max.toFixed(1)} s`,
  );
}
