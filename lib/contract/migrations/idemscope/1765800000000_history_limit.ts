// Why the history fold is rate-limited now (lib/contract/schema/history.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { historyLimitStatements } from "../../schema/history";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of historyLimitStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(
    `ALTER TABLE ${contractTableNames().ownTable("collector_state")} DROP COLUMN history_limit_reason`,
  );
}
