// The connected source's record (lib/contract/schema/source.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { sourceStatements } from "../../schema/source";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of sourceStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(`DROP TABLE ${contractTableNames().ownTable("source")}`);
}
