// The hours of past retry storms per client (lib/contract/schema/clients.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { stormHistoryStatements } from "../../schema/clients";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of stormHistoryStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(`DROP TABLE ${contractTableNames().ownTable("client_storm_hours")}`);
}
