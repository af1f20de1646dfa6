// Reconciliations of duplicate successes (lib/contract/schema/reconciliation.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { reconciliationStatements } from "../../schema/reconciliation";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of reconciliationStatements(contractTableNames())) pgm.sql(statement);
}

export function down(): void {
  throw new Error("reconciliations are audited records: they are not dropped by a migration");
}
