// idemscope's footprint in the store's database (docs/performance.md, "Footprint"): the
// per-intent memory keyed by a 128-bit hash instead of three text columns, with a BRIN index for
// its retention (rows arrive in time order), and the names of the few intents that succeeded
// twice apart; and what the rows of a library's table said of their intents when it was connected,
// packed many intents to a row.
import type { TableNames } from "../tables";
import { intentHash } from "../vocabulary";

export function footprintStatements(t: TableNames): string[] {
  const r = t.ownTable;
  return [
    `CREATE TABLE ${r("intent_memory")} (
      intent           uuid PRIMARY KEY,
      first_request_at timestamptz,
      first_request_id bigint,
      first_success_at timestamptz,
      first_success_id bigint,
      successes        int NOT NULL DEFAULT 0
    ) WITH (fillfactor = 90)`,
    `CREATE INDEX intent_memory_first_request_brin ON ${r("intent_memory")} USING brin (first_request_at)`,
    `CREATE TABLE ${r("duplicate_intents")} (
      intent           uuid PRIMARY KEY,
      scope            text NOT NULL,
      endpoint         text NOT NULL,
      key              text NOT NULL,
      successes        int NOT NULL,
      first_request_at timestamptz
    )`,
    `CREATE INDEX duplicate_intents_recent_idx ON ${r("duplicate_intents")} (first_request_at DESC)`,
    // an existing installation keeps what it remembered
    `INSERT INTO ${r("intent_memory")}
     SELECT ${intentHash()}, first_request_at, first_request_id, first_success_at, first_success_id, successes
       FROM ${r("intents")}`,
    `INSERT INTO ${r("duplicate_intents")}
     SELECT ${intentHash()}, scope, endpoint, key, successes, first_request_at
       FROM ${r("intents")} WHERE successes >= 2`,
    `DROP TABLE ${r("intents")}`,
  ];
}

/**
 * The intent memory writes no WAL (lib/fold/intent-memory.ts): UNLOGGED, with a one-row
 * marker beside it that a crash or a failover empties together with it, and when the collector
 * last had to rebuild it.
 */
export function unloggedMemoryStatements(t: TableNames): string[] {
  const r = t.ownTable;
  return [
    `ALTER TABLE ${r("intent_memory")} SET UNLOGGED`,
    `CREATE UNLOGGED TABLE ${r("intent_memory_marker")} (rebuilt_at timestamptz NOT NULL)`,
    `INSERT INTO ${r("intent_memory_marker")} (rebuilt_at) VALUES (now())`,
    `ALTER TABLE ${r("collector_state")} ADD COLUMN memory_rebuilt_at timestamptz`,
  ];
}

/**
 * What a library's imported rows taught the intent memory, packed (lib/fold/imported-intents.ts):
 * the intents sorted by hash and cut into rows of a few hundred, each row found by its first
 * intent. About 34 B an intent, where a memory row and its index entry take 125: the imported
 * history is most of a library store's intents on the day it is connected. Rows up to a page stay
 * inline (`toast_tuple_target`): a lookup reads one page.
 */
export function importedIntentsStatements(t: TableNames): string[] {
  return [
    `CREATE TABLE ${t.ownTable("imported_intents")} (
      lo        uuid PRIMARY KEY,
      newest    timestamptz NOT NULL,
      intents   uuid[] NOT NULL,
      requested timestamptz[] NOT NULL,
      succeeded timestamptz[] NOT NULL
    ) WITH (toast_tuple_target = 8160)`,
  ];
}
