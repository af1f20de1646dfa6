// Whether the store is under pressure (docs/operations.md, "What the collector does to the
// store"): its replicas lagging, or its connections nearly all busy. The collector then leaves the
// history fold alone until the pressure passes, and says why on every page and in /api/metrics.
import type { Pool } from "pg";
import type { Config } from "../core/config";

type Facts = { lag: number | null; active: number; max: number };

/** The reason to wait, or null when the store can take the history fold's work. */
export async function storePressure(pool: Pool, cfg: Config): Promise<string | null> {
  const r = await pool.query<Facts>(
    `SELECT (SELECT max(extract(epoch FROM coalesce(replay_lag, flush_lag, write_lag)))::float8
               FROM pg_stat_replication) AS lag,
            (SELECT count(*)::int FROM pg_stat_activity
              WHERE backend_type = 'client backend' AND state IN ('active', 'idle in transaction')) AS active,
            current_setting('max_connections')::int AS max`,
  );
  const f = r.rows[0]!;
  const maxLag = cfg.collectorLimits.pauseReplicationLagSeconds;
  if (f.lag !== null && f.lag > maxLag)
    return `replication lag ${f.lag.toFixed(1)} s is above ${maxLag} s (IDEMSCOPE_COLLECTOR_PAUSE_REPLICATION_LAG_SECONDS)`;
  const maxActive = cfg.collectorLimits.pauseActiveConnections ?? Math.floor(f.max * 0.8);
  if (f.active > maxActive)
    return `${f.active} busy connections of ${f.max} is above ${maxActive} (IDEMSCOPE_COLLECTOR_PAUSE_ACTIVE_CONNECTIONS)`;
  return null;
}
