// Hot keys (the Overview's "Hot keys"): the intents with the most requests in a range, answered
// from rows the collector keeps only for intents that reach HOT_REQUESTS requests — a few, where
// a per-intent row per hour for every intent would cost what the footprint work saved. The
// intent memory counts every intent's requests (4 bytes) to know when one becomes hot.
import type { TableNames } from "../tables";

export function hotKeyStatements(t: TableNames): string[] {
  const r = t.ownTable;
  return [
    `ALTER TABLE ${r("intent_memory")} ADD COLUMN requests int NOT NULL DEFAULT 0`,
    `CREATE TABLE ${r("hot_intents")} (
      intent   uuid PRIMARY KEY,
      scope    text NOT NULL,
      endpoint text NOT NULL,
      key      text NOT NULL
    )`,
    `CREATE TABLE ${r("hot_intent_buckets")} (
      resolution text NOT NULL CHECK (resolution IN ('minute', 'hour')),
      bucket     timestamptz NOT NULL,
      intent     uuid NOT NULL,
      requests   int NOT NULL,
      PRIMARY KEY (resolution, bucket, intent)
    )`,
    `CREATE INDEX hot_intent_buckets_intent_idx ON ${r("hot_intent_buckets")} (intent)`,
  ];
}

/**
 * The hot keys of the ranges read from hour rows, as the collector last ranked them
 * (lib/fold/hot-keys-top.ts): a week's hour rows of every hot intent are too many to sum for each
 * poll of the Overview when many intents are hot.
 */
export function hotKeyTopStatements(t: TableNames): string[] {
  const r = t.ownTable;
  return [
    `CREATE TABLE ${r("hot_intent_top")} (
      range    text NOT NULL,
      rank     int NOT NULL,
      intent   uuid NOT NULL,
      requests double precision NOT NULL,
      PRIMARY KEY (range, rank)
    )`,
    `CREATE TABLE ${r("hot_intent_top_state")} (
      range       text PRIMARY KEY,
      range_from  timestamptz NOT NULL,
      computed_at timestamptz NOT NULL
    )`,
  ];
}
