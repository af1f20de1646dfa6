// The grain of rollup_clients (lib/contract/schema/client-dictionary.ts): a one-byte resolution, clients
// and endpoints by number. Readers join client_names for the client's name.
import type { PoolClient } from "pg";
import type { TableNames } from "../contract/tables";

/** rollup_clients.resolution of each grain */
export const CLIENT_RES = { minute: "m", hour: "h", day: "d" } as const;
/** rollup_clients.endpoint of a client's rows over all its endpoints (no endpoint_names row has it) */
export const ALL_ENDPOINTS = 0;

/** The counters of a per-client row (rollup_clients, history_client_days). */
export const CLIENT_COUNTERS =
  "requests, claimed, reclaimed, replayed, conflicts, mismatches, keys";

/** Adds an upserted row (alias x) to the one already there: every counter is additive. */
export const ADD_CLIENT_COUNTERS = `ON CONFLICT (resolution, bucket, client, endpoint) DO UPDATE SET
  ${CLIENT_COUNTERS.split(", ")
    .map((n) => `${n} = x.${n} + excluded.${n}`)
    .join(", ")}`;

/**
 * Numbers the batch's clients and endpoints that have none yet (the collector alone writes).
 * Read from the batch's intents (`touched`) and cells (`batch_cells`), which hold every client
 * and endpoint of the batch in fewer rows than its events.
 */
export async function nameNewClients(c: PoolClient, t: TableNames): Promise<void> {
  await c.query(
    `INSERT INTO ${t.ownTable("client_names")} (scope)
     SELECT DISTINCT b.scope FROM touched b
      WHERE NOT EXISTS (SELECT 1 FROM ${t.ownTable("client_names")} n WHERE n.scope = b.scope)
     ON CONFLICT (scope) DO NOTHING`,
  );
  await c.query(
    `INSERT INTO ${t.ownTable("endpoint_names")} (endpoint)
     SELECT DISTINCT b.endpoint FROM batch_cells b
      WHERE NOT EXISTS (SELECT 1 FROM ${t.ownTable("endpoint_names")} e WHERE e.endpoint = b.endpoint)
     ON CONFLICT (endpoint) DO NOTHING`,
  );
}
