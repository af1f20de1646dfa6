// Clients and Store requests for the benchmark, plus the collector's work behind them: the
// per-range client snapshots and the storm check are timed directly, and the size history a
// month of collector samples would have left (one per minute per table) is written once.
import { parseConfig } from "../../lib/core/config";
import { contextOf } from "../../lib/contract/context";
import type { Pool } from "pg";
import { CLIENT_RANGES } from "../../lib/client/api-types/clients";
import { refreshClientRange, refreshStorms } from "../../lib/fold/client-totals";
import type { TableNames } from "../../lib/contract/tables";
import { timeRuns, type Timing } from "./timing";

export async function ensureSizeSamples(
  pool: Pool,
  t: TableNames,
  names: { keys: string; events: string },
  days: number,
): Promise<void> {
  const have = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${t.ownTable("store_size_samples")}`,
  );
  if ((have.rows[0]?.n ?? 0) > days * 1000) return;
  await pool.query(
    `INSERT INTO ${t.ownTable("store_size_samples")} (at, table_name, rows, bytes)
     SELECT date_trunc('minute', now()) - make_interval(mins => g), x.name,
            (x.rows * (1 - g / ($1 * 1440.0 * 2)))::bigint, (x.bytes * (1 - g / ($1 * 1440.0 * 2)))::bigint
       FROM generate_series(1, $1 * 1440) g,
            (VALUES ($2, 10000000::float8, 3e9::float8), ($3, 21000000::float8, 5e9::float8)) AS x(name, rows, bytes)
     ON CONFLICT DO NOTHING`,
    [days, names.keys, names.events],
  );
}

/** The collector's client snapshots, timed: one full count per range, and the storm check. */
export async function timeClientSnapshots(
  pool: Pool,
  t: TableNames,
  runs: number,
): Promise<{ name: string; ours: Timing }[]> {
  const rows: { name: string; ours: Timing }[] = [];
  for (const range of CLIENT_RANGES)
    rows.push({
      name: `collector: client totals snapshot, ${range}`,
      ours: await timeRuns(runs, () =>
        refreshClientRange(contextOf(pool, t, parseConfig({})), range),
      ),
    });
  rows.push({
    name: "collector: retry-storm check",
    ours: await timeRuns(runs, () => refreshStorms(contextOf(pool, t, parseConfig({})))),
  });
  return rows;
}

export function clientStoreCases(): { name: string; url: string }[] {
  return [
    ...CLIENT_RANGES.map((r) => ({ name: `clients ${r}`, url: `/api/v1/clients?range=${r}` })),
    {
      name: "clients 30d sorted by retries per key",
      url: "/api/v1/clients?range=30d&sort=retriesPerKey&limit=50",
    },
    { name: "one client 24h", url: "/api/v1/clients/client-0000?range=24h" },
    { name: "one client 30d", url: "/api/v1/clients/client-0000?range=30d" },
    ...["7d", "30d", "90d"].map((r) => ({ name: `store ${r}`, url: `/api/v1/store?range=${r}` })),
    { name: "Prometheus scrape", url: "/api/metrics" },
  ];
}
