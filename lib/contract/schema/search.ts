// Indexes for key search (docs/operations.md, "Tracing one key"). On the store: a byte-order ("C") index on the key
// serves exact and prefix lookups (LIKE 'abc%' needs C ordering to use an index) and lists in
// key order; created_at serves "recent keys" searches; the events one finds purged keys.
// On idemscope's own intents memory: the duplicate successes to look at first.
import { escapeIdentifier } from "pg";
import type { TableNames } from "../tables";

export function searchIndexStatements(
  t: TableNames,
  baseNames: { keys: string; events: string },
): string[] {
  const idx = (name: string) => escapeIdentifier(`${baseNames.keys}_${name}`);
  const eidx = (name: string) => escapeIdentifier(`${baseNames.events}_${name}`);
  return [
    `CREATE INDEX ${idx("key_search_idx")} ON ${t.keys}
       (key COLLATE "C", scope COLLATE "C", endpoint COLLATE "C")`,
    `CREATE INDEX ${idx("created_at_idx")} ON ${t.keys} (created_at, id)`,
    `CREATE INDEX ${eidx("key_search_idx")} ON ${t.events}
       (key COLLATE "C", scope COLLATE "C", endpoint COLLATE "C")`,
  ];
}

/**
 * "Failed keys of the last hour": failed rows are few, so walking the hour's keys newest first to
 * find them reads every key created in it; this index holds the failed ones alone, and the writer
 * touches it only when a key fails.
 */
export function failedKeyIndexStatements(baseNames: { keys: string }, t: TableNames): string[] {
  const idx = escapeIdentifier(`${baseNames.keys}_failed_idx`);
  return [`CREATE INDEX ${idx} ON ${t.keys} (created_at, id) WHERE status = 'failed'`];
}

export function duplicateIndexStatements(t: TableNames): string[] {
  return [
    `CREATE INDEX intents_duplicates_idx ON ${t.ownTable("intents")} (first_request_at DESC)
       WHERE successes >= 2`,
  ];
}
