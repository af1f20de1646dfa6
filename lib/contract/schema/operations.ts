// DDL for on-call operations: how an audit row was authenticated and which bulk action it
// belongs to, the indexes the Audit page filters by, and the stuck-key history the Overview
// charts (sampled by the collector leader; the store keeps no history of its own for it).
import type { TableNames } from "../tables";

export function operationsStatements(t: TableNames): string[] {
  const audit = t.ownTable("audit_log");
  return [
    `ALTER TABLE ${audit}
       ADD COLUMN auth_method text NOT NULL DEFAULT 'unknown',
       ADD COLUMN batch_id uuid`,
    `CREATE INDEX audit_log_actor_idx ON ${audit} (actor, at DESC, id DESC)`,
    `CREATE INDEX audit_log_intent_idx ON ${audit} (key, at DESC, id DESC)`,
    // Highest stuck count seen in each bucket, per endpoint and in total (endpoint '*'). The total
    // row is written even when zero, so that "no sample" (collector down) differs from "none stuck".
    `CREATE TABLE ${t.ownTable("stuck_samples")} (
      resolution text NOT NULL CHECK (resolution IN ('minute', 'hour', 'day')),
      bucket     timestamptz NOT NULL,
      endpoint   text NOT NULL,
      stuck      int NOT NULL,
      PRIMARY KEY (resolution, bucket, endpoint)
    )`,
  ];
}
