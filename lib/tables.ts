// Fully qualified, quoted names of the store's and idemscope's own tables, from configuration.
import { escapeIdentifier } from "pg";
import { config, type Config } from "./config";

export type TableNames = {
  /** the store's keys table, e.g. "public"."idempotency_keys" */
  keys: string;
  /** the store's append-only events table */
  events: string;
  /** idemscope's own schema */
  own: string;
  /** schema-qualify a table of idemscope's own schema */
  ownTable: (name: string) => string;
};

export type TableLayout = Pick<
  Config,
  "storeSchema" | "keysTable" | "eventsTable" | "idemscopeSchema"
>;

export function tableNamesFor(layout: TableLayout): TableNames {
  const store = escapeIdentifier(layout.storeSchema);
  const own = escapeIdentifier(layout.idemscopeSchema);
  return {
    keys: `${store}.${escapeIdentifier(layout.keysTable)}`,
    events: `${store}.${escapeIdentifier(layout.eventsTable)}`,
    own,
    ownTable: (name) => `${own}.${escapeIdentifier(name)}`,
  };
}

/** The configured tables of this process. */
export function tableNames(cfg: Config = config()): TableNames {
  return tableNamesFor(cfg);
}
