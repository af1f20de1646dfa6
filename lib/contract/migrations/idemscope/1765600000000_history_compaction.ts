// When the indexes a finished history fold filled were rebuilt (lib/contract/schema/history.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { historyCompactionStatements } from "../../schema/history";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of historyCompactionStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(
    `ALTER TABLE ${contractTableNames().ownTable("collector_state")} DROP COLUMN history_compacted_at`,
  );
}
