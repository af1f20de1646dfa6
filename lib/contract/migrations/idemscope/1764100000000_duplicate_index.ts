// Recent duplicate successes for Key search (lib/contract/schema/search.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { duplicateIndexStatements } from "../../schema/search";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of duplicateIndexStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(`DROP INDEX ${contractTableNames().own}.intents_duplicates_idx`);
}
