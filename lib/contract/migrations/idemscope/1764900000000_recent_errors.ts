// The collector's list of the newest errors per kind (lib/contract/schema/recent-errors.ts). It fills from
// the next batches on; history already folded is not revisited.
import type { MigrationBuilder } from "node-pg-migrate";
import { recentErrorStatements } from "../../schema/recent-errors";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of recentErrorStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(`DROP TABLE ${contractTableNames().ownTable("recent_errors")}`);
}
