// Operator marks, capture's dead letters, the heartbeat key (lib/contract/schema/store-safety.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { storeSafetyStatements } from "../../schema/store-safety";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of storeSafetyStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  const r = contractTableNames().ownTable;
  pgm.sql(
    `ALTER TABLE ${r("logical_state")} DROP COLUMN heartbeats_rejected, DROP COLUMN last_rejected_at`,
  );
  pgm.sql(
    `ALTER TABLE ${r("collector_state")} DROP COLUMN leader_generation, DROP COLUMN election_blocked_by, DROP COLUMN election_blocked_at`,
  );
  pgm.sql(`DELETE FROM ${r("secrets")} WHERE name IN ('heartbeat_key', 'election_key')`);
  pgm.sql(`DROP TABLE ${r("capture_dead_letters")}`);
  pgm.sql(`DROP TABLE ${r("operator_marks")}`);
}
