// The intents a library's imported rows taught the memory, packed (lib/fold/imported-intents.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { importedIntentsStatements } from "../../schema/footprint";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of importedIntentsStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(`DROP TABLE ${contractTableNames().ownTable("imported_intents")}`);
}
