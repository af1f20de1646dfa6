// Fully qualified, quoted names of the store's and idemscope's own tables, from configuration
// and the connected source: with a preset connected (lib/ingest/sources), the keys are read through a
// mapping view and the events come from the capture table, both in idemscope's own schema.
import { escapeIdentifier } from "pg";
import { config, type Config } from "../core/config";
import { activeSource, contractSource, type SourceBinding } from "./source-binding";

export type TableNames = {
  /** the keys in the contract's layout: the store's keys table, or the preset's mapping view */
  keys: string;
  /**
   * the keys in progress, for what polls (the stuck list, its counts and samples): the contract's
   * keys table (its partial index finds them), or, for a library's table, the copy capture keeps
   * of its unfinished rows, so that no poll reads the service's table
   */
  openKeys: string;
  /**
   * what else capture keeps of a library's table so that nothing polled reads it: keys per minute
   * of expiry (the purger's health) and each endpoint's newest TTL (the TTL advisor); null for
   * the contract, whose own indexes answer
   */
  kept: { expiryMinutes: string; endpointTtls: string } | null;
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
/** Trigger capture's row changes, waiting for the collector (lib/ingest/sources/capture-sql.ts). */
export const CAPTURE_QUEUE_TABLE = "capture_queue";
/** What capture keeps of a library's table for polling (lib/ingest/sources/kept-state.ts). */
export const OPEN_KEYS_TABLE = "open_keys";
export const EXPIRY_MINUTES_TABLE = "expiry_minutes";
export const ENDPOINT_TTLS_TABLE = "endpoint_ttls";
/** The snapshot the kept state was read from the library's table in (one row, once filled). */
export const CAPTURE_FILL_TABLE = "capture_fill";
/** The rows a library's table held before capture, read once (lib/ingest/sources/history-import.ts). */
export { HISTORY_IMPORT_TABLE } from "./source-binding";
export const HISTORY_PREIMAGES_TABLE = "history_preimages";
export const HISTORY_IMPORTED_TABLE = "history_imported";
/** Row changes the derivation could not read, kept with their error (lib/contract/schema/store-safety.ts). */
export const DEAD_LETTERS_TABLE = "capture_dead_letters";
/** The sequence counting the changes capture skipped or could not derive. */
export const CAPTURE_ERRORS_SEQUENCE = "capture_errors";

export function tableNamesFor(
  layout: TableLayout,
  source: SourceBinding | null = null,
): TableNames {
  const store = escapeIdentifier(layout.storeSchema);
  const own = escapeIdentifier(layout.idemscopeSchema);
  const ownTable = (name: string) => `${own}.${escapeIdentifier(name)}`;
  const read = source ?? contractSource(layout);
  // a library's table is read through idemscope's mapping view and captured events; the
  // contract's keys table is the source's own table, beside its events table
  const mapped = read.capture.mapped;
  const eventsName = mapped ? SOURCE_EVENTS_TABLE : layout.eventsTable;
  return {
    keys: mapped ? ownTable(SOURCE_KEYS_VIEW) : read.base,
    openKeys: mapped ? ownTable(OPEN_KEYS_TABLE) : read.base,
    kept: mapped
      ? {
          expiryMinutes: ownTable(EXPIRY_MINUTES_TABLE),
          endpointTtls: ownTable(ENDPOINT_TTLS_TABLE),
        }
      : null,
    events: `${mapped ? own : store}.${escapeIdentifier(eventsName)}`,
    eventsName,
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
