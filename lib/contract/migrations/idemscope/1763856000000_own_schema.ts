// idemscope's own schema: the audit log of operator actions and the store size history.
// Rollup tables arrive with the collector, in a migration of their own.
import type { MigrationBuilder } from "node-pg-migrate";
import { ownSchemaStatements } from "../../schema/contract";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of ownSchemaStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  const t = contractTableNames();
  pgm.sql(`DROP TABLE ${t.ownTable("store_size_samples")}`);
  pgm.sql(`DROP TABLE ${t.ownTable("audit_log")}`);
}
