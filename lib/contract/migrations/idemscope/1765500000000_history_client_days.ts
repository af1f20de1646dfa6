// History's per-client day rows, staged until their day is folded (lib/contract/schema/history.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { historyStagingStatements } from "../../schema/history";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of historyStagingStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(`DROP TABLE ${contractTableNames().ownTable("history_client_days")}`);
}
