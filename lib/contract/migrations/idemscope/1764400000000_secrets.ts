// The fingerprint key (lib/contract/schema/secrets.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { secretsStatements } from "../../schema/secrets";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of secretsStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(`DROP TABLE ${contractTableNames().ownTable("secrets")}`);
}
