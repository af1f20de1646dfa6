// Drops rollup rows and per-intent memory past their configured retention.
import type { StoreContext } from "../contract/context";
import type { Pool } from "pg";
import type { Config } from "../core/config";
import { CLIENT_RES } from "./client-rows";
import { CLIENT_HOUR_DAYS, CLIENT_MINUTE_HOURS } from "../contract/vocabulary";
import { expireHotIntents } from "./fold-hot-intents";
import { expireImportedIntents } from "./imported-intents";

export async function applyRetention(
  ctx: StoreContext<Pool>,
  days: Config["retentionDays"],
): Promise<void> {
  const { db: pool, tables: t } = ctx;
  const r = t.ownTable;
  const cutoff = (d: number) => `now() - make_interval(secs => ${Math.round(d * 86_400)})`;
  for (const table of ["rollup_events", "rollup_latency", "rollup_successes", "stuck_samples"]) {
    await pool.query(
      `DELETE FROM ${r(table)} WHERE (resolution = 'minute' AND bucket < ${cutoff(days.minute)})
          OR (resolution = 'hour' AND bucket < ${cutoff(days.hour)}) OR (resolution = 'day' AND bucket < ${cutoff(days.day)})`,
    );
  }
  await pool.query(
    `DELETE FROM ${r("rollup_clients")} WHERE (resolution = '${CLIENT_RES.minute}' AND bucket < ${cutoff(CLIENT_MINUTE_HOURS / 24)})
        OR (resolution = '${CLIENT_RES.hour}' AND bucket < ${cutoff(Math.min(days.hour, CLIENT_HOUR_DAYS))})
        OR (resolution = '${CLIENT_RES.day}' AND bucket < ${cutoff(days.day)})`,
  );
  await pool.query(`DELETE FROM ${r("rollup_retry_delays")} WHERE bucket < ${cutoff(days.hour)}`);
  // A duplicate of an intent first seen before the horizon is no longer recognised as one.
  await pool.query(
    // (an intent remembered by a success whose requests were not folded yet has none)
    `DELETE FROM ${r("intent_memory")} WHERE first_request_at < ${cutoff(days.intents)}
        OR (first_request_at IS NULL AND first_success_at < ${cutoff(days.intents)})`,
  );
  await expireImportedIntents(pool, t, days.intents);
  await pool.query(
    `DELETE FROM ${r("duplicate_intents")} WHERE first_request_at < ${cutoff(days.day)}`,
  );
  await expireHotIntents(pool, t);
  await pool.query(`DELETE FROM ${r("store_size_samples")} WHERE at < ${cutoff(days.day)}`);
  // capture has long seen these transactions (a decoder a week behind has lost its slot anyway)
  await pool.query(`DELETE FROM ${r("operator_marks")} WHERE at < now() - interval '7 days'`);
}
