// Amounts of duplicate successes (lib/contract/schema/money.ts); duplicates found before stay unpriced.
import type { MigrationBuilder } from "node-pg-migrate";
import { moneyStatements } from "../../schema/money";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of moneyStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(
    `ALTER TABLE ${contractTableNames().ownTable("duplicate_intents")} DROP COLUMN amount, DROP COLUMN currency, DROP COLUMN amount_note`,
  );
}
