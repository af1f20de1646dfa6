// Collector lag under a steady write load: a scratch store receives `rate` requests per second
// (each a claim or a retry, plus completions, like the writer's events) while the real collector
// runs; lag is sampled as the age of the newest event not yet folded.
import type { Pool } from "pg";
import { parseConfig } from "../../lib/core/config";
import { startCollector } from "../../lib/fold/collector";
import { allStatements } from "../../lib/contract/schema/all";
import { tableNamesFor } from "../../lib/contract/tables";
import { percentile } from "./timing";

export type LagResult = {
  requestsPerSecond: number;
  eventsPerSecond: number;
  p50: number;
  p95: number;
  max: number;
};

export async function measureCollectorLag(
  pool: Pool,
  databaseUrl: string,
  rate: number,
  seconds: number,
): Promise<LagResult> {
  const schema = "bench_lag";
  await pool.query(
    `DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_own CASCADE; CREATE SCHEMA ${schema}`,
  );
  const layout = {
    storeSchema: schema,
    keysTable: "keys",
    eventsTable: "events",
    idemscopeSchema: `${schema}_own`,
  };
  const t = tableNamesFor(layout);
  for (const s of allStatements(t, { keys: "keys", events: "events" })) await pool.query(s);
  const cfg = parseConfig({
    IDEMSCOPE_STORE_SCHEMA: schema,
    IDEMSCOPE_KEYS_TABLE: "keys",
    IDEMSCOPE_EVENTS_TABLE: "events",
    IDEMSCOPE_SCHEMA: layout.idemscopeSchema,
  });
  const collector = startCollector({ databaseUrl, cfg });
  const lags: number[] = [];
  let events = 0;
  const tickMs = 100;
  const perTick = Math.round((rate * tickMs) / 1000);
  const begun = Date.now();
  const end = begun + seconds * 1000;
  let n = 0;
  try {
    while (Date.now() < end) {
      const started = Date.now();
      // an insert slower than a tick is caught up by the next (open loop: the rate is the
      // target's, not what a slowed generator would reach), at most three ticks' worth at once
      const due = Math.min(3 * perTick, Math.round(((started - begun) / 1000) * rate) - n);
      if (due <= 0) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        continue;
      }
      // 70 % new intents (claim + completion), 30 % retries answered from the store
      const r = await pool.query(
        `INSERT INTO ${t.events} (scope, endpoint, key, kind, response_code, latency_ms, instance)
         SELECT 'c-' || (g % 500), 'POST /v1/' || (ARRAY['payments', 'orders', 'refunds', 'customers'])[1 + g % 4], 'k-' || ($1::int + g),
                e.kind, e.code, e.latency, 'bench'
           FROM generate_series(1, $2::int) g
           CROSS JOIN LATERAL (VALUES ('claimed', NULL::int, NULL::float8, g % 10 < 7), ('completed', 201, 120::float8, g % 10 < 7),
                                      ('replayed', 201, 2::float8, g % 10 >= 7)) e(kind, code, latency, present)
          WHERE e.present`,
        [n, due],
      );
      n += due;
      events += r.rowCount ?? 0;
      const lag = await pool.query<{ lag: number }>(
        `SELECT coalesce(extract(epoch FROM now() - min(e.at)), 0)::float8 AS lag
           FROM ${t.events} e, ${t.ownTable("collector_state")} s WHERE e.id > s.watermark`,
      );
      lags.push(lag.rows[0]?.lag ?? 0);
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, tickMs - (Date.now() - started))),
      );
    }
    // a lag measured while every batch fails would be a figure about nothing
    const state = await pool.query<{ errors: number; last_error: string | null }>(
      `SELECT errors_total::int AS errors, last_error FROM ${t.ownTable("collector_state")}`,
    );
    const failed = state.rows[0];
    if (failed && failed.errors > 0)
      throw new Error(`the collector failed ${failed.errors} times: ${failed.last_error}`);
  } finally {
    await collector.stop();
    await pool.query(`DROP SCHEMA ${schema} CASCADE; DROP SCHEMA ${schema}_own CASCADE`);
  }
  lags.sort((a, b) => a - b);
  return {
    requestsPerSecond: n / seconds,
    eventsPerSecond: events / seconds,
    p50: percentile(lags, 0.5),
    p95: percentile(lags, 0.95),
    max: lags[lags.length - 1] ?? 0,
  };
}
