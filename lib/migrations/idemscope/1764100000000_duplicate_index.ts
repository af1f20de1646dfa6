// Recent duplicate successes for Key search (lib/schema/search.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { duplicateIndexStatements } from "../../schema/search";
import { tableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of duplicateIndexStatements(tableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(`DROP INDEX ${tableNames().own}.intents_duplicates_idx`);
}
