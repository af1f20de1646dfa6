// How a store's row changes reach idemscope (docs/store-contract.md, "Capture modes"), each a
// small object that says what it is: code asks a mode what it does, never which one it is.

export type CaptureModeName = "contract events" | "triggers" | "logical" | "spans";

export type CaptureMode = {
  /** as idemscope's source table and the JSON API record it */
  name: CaptureModeName;
  /** in words, for the pages and the CLI: "trigger capture" */
  label: string;
  /**
   * the store's table is read through a mapping view and its events are captured into
   * idemscope's own schema; false where the store writes the contract's tables itself
   */
  mapped: boolean;
  /** row triggers on the library's table copy its changes (they run in the service's statement) */
  rowTriggers: boolean;
  /** row changes arrive on a logical replication stream the collector consumes */
  streamsWal: boolean;
  /** events carry how long each request took (the contract's writer records it; row changes do not) */
  carriesDurations: boolean;
  /** a claim the library refuses (INSERT … ON CONFLICT) can be seen: it writes nothing to the WAL */
  seesRefusedClaims: boolean;
  /**
   * the store's keys can be read (stuck keys, sizes, actions); false where idemscope sees the
   * service only through its spans, its store being outside PostgreSQL
   */
  readsStore: boolean;
};

/** The store follows the contract: its writer appends the events itself. */
export const STORE_EVENTS: CaptureMode = {
  name: "contract events",
  label: "the contract's events table",
  mapped: false,
  rowTriggers: false,
  streamsWal: false,
  carriesDurations: true,
  seesRefusedClaims: true,
  readsStore: true,
};

/** Row triggers on the library's table append its changes to idemscope's capture queue. */
export const TRIGGERS: CaptureMode = {
  name: "triggers",
  label: "trigger capture",
  mapped: true,
  rowTriggers: true,
  streamsWal: false,
  carriesDurations: false,
  seesRefusedClaims: true,
  readsStore: true,
};

/** A replication slot streams the table's committed changes; nothing runs in the service's statement. */
export const LOGICAL: CaptureMode = {
  name: "logical",
  label: "logical decoding",
  mapped: true,
  rowTriggers: false,
  streamsWal: true,
  carriesDurations: false,
  seesRefusedClaims: false,
  readsStore: true,
};

/**
 * No table at all: the store is outside PostgreSQL (Redis, DynamoDB, a cache), and the services'
 * OpenTelemetry spans are the only record. Each keyed server span is a request; one that executed
 * becomes a claim at its start and an outcome at its end. Idemscope's own schema holds the events
 * and an always-empty stand-in for the keys table, so every reader has the contract's shape.
 */
export const SPANS_ONLY: CaptureMode = {
  name: "spans",
  label: "OpenTelemetry spans only",
  mapped: true,
  rowTriggers: false,
  streamsWal: false,
  carriesDurations: true,
  seesRefusedClaims: true,
  readsStore: false,
};

/** The modes `npm run connect` can install on a library's table. */
export const CONNECTABLE_MODES: readonly CaptureMode[] = [TRIGGERS, LOGICAL];

/** The mode recorded under `name` (idemscope's source table, `--capture`); undefined if none. */
export function captureModeNamed(name: string): CaptureMode | undefined {
  return [STORE_EVENTS, ...CONNECTABLE_MODES, SPANS_ONLY].find((m) => m.name === name);
}
