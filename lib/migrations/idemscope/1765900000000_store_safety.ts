// Operator marks, capture's dead letters, the heartbeat key (lib/schema/store-safety.ts).
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
  pgm.sql(`DELETE FROM ${r("secrets")} WHERE name = 'heartbeat_key'`);
  pgm.sql(`DROP TABLE ${r("capture_dead_letters")}`);
  pgm.sql(`DROP TABLE ${r("operator_marks")}`);
}
