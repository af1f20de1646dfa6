// Annotations (lib/contract/schema/annotations.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { annotationStatements } from "../../schema/annotations";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of annotationStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(`DROP TABLE ${contractTableNames().ownTable("annotations")}`);
}
