// On-call operations: audit columns and indexes, stuck-key samples (lib/contract/schema/operations.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { operationsStatements } from "../../schema/operations";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of operationsStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  const t = contractTableNames();
  pgm.sql(`DROP TABLE ${t.ownTable("stuck_samples")}`);
  pgm.sql(`DROP INDEX ${t.own}.audit_log_actor_idx, ${t.own}.audit_log_intent_idx`);
  pgm.sql(`ALTER TABLE ${t.ownTable("audit_log")} DROP COLUMN auth_method, DROP COLUMN batch_id`);
}
