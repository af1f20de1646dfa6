// Fully qualified, quoted names of the store's and idemscope's own tables, from configuration
// and the connected source: with a preset connected (lib/ingest/sources), the keys are read through a
// mapping view and the events come from the capture table, both in idemscope's own schema.
import { escapeIdentifier } from "pg";
import { config, type Config } from "../core/config";
import { activeSource, contractSource, type SourceBinding } from "./source-binding";

export type TableNames = {
  /** the keys in the contract's layout: the store's keys table, or the preset's mapping view */
  keys: string;
  /** the contract's events: the store's events table, or the captured events */
  events: string;
  /** the events table's bare name (size samples name tables by it) */
  eventsName: string;
  /** idemscope's own schema */
  own: string;
  /** schema-qualify a table of idemscope's own schema */
  ownTable: (name: string) => string;
  /** the store's source: the connected preset and its table, or the contract's own tables */
  source: SourceBinding;
};

export type TableLayout = Pick<
  Config,
  "storeSchema" | "keysTable" | "eventsTable" | "idemscopeSchema"
>;

/** Where a preset's mapping view and captured events live (idemscope's own schema). */
export const SOURCE_KEYS_VIEW = "store_keys";
export const SOURCE_EVENTS_TABLE = "captured_events";

export function tableNamesFor(
  layout: TableLayout,
  source: SourceBinding | null = null,
): TableNames {
  const store = escapeIdentifier(layout.storeSchema);
  const own = escapeIdentifier(layout.idemscopeSchema);
  const ownTable = (name: string) => `${own}.${escapeIdentifier(name)}`;
  const read = source ?? contractSource(layout);
  if (read.capture.mapped)
    return {
      keys: ownTable(SOURCE_KEYS_VIEW),
      events: ownTable(SOURCE_EVENTS_TABLE),
      eventsName: SOURCE_EVENTS_TABLE,
      own,
      ownTable,
      source: read,
    };
  return {
    keys: `${store}.${escapeIdentifier(layout.keysTable)}`,
    events: `${store}.${escapeIdentifier(layout.eventsTable)}`,
    eventsName: layout.eventsTable,
    own,
    ownTable,
    source: read,
  };
}

/** The configured tables of this process, through the connected source if there is one. */
export function tableNames(cfg: Config = config()): TableNames {
  return tableNamesFor(cfg, activeSource());
}

/** The contract's own tables (migrations create these; no source applies). */
export function contractTableNames(cfg: Config = config()): TableNames {
  return tableNamesFor(cfg);
}
