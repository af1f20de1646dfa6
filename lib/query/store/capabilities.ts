// What the configured store offers: a store without the events table still works, and the
// panels that need events say so (docs/store-contract.md).
import "server-only";
import type { StoreContext } from "../../contract/context";
import type { TableNames } from "../../contract/tables";
import { sharedQuery } from "./shared-cache";

export type StoreCapabilities = { eventsTable: boolean };

export function storeCapabilities({ db, tables: t }: StoreContext): Promise<StoreCapabilities> {
  return sharedQuery(`capabilities:${t.events}`, 30_000, async () => {
    const r = await db.query<{ events: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS events`, [
      t.events,
    ]);
    return { eventsTable: r.rows[0]?.events ?? false };
  });
}

/** The sentence a panel shows instead of an empty chart. */
export function noEventsTableMessage(t: TableNames, what: string): string {
  return `This store has no events table (${t.events}), so idemscope cannot show ${what}. Everything read from the keys table (stuck keys, key search, store size, purger health) still works; docs/store-contract.md explains the events table.`;
}
