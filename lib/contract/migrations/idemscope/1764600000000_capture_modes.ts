// Logical decoding and span capture beside triggers (lib/contract/schema/source.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { captureModeStatements } from "../../schema/source";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of captureModeStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  const t = contractTableNames();
  pgm.sql(`DROP TABLE ${t.ownTable("logical_state")}`);
  pgm.sql(
    `ALTER TABLE ${t.ownTable("source")} DROP COLUMN spans, DROP COLUMN slot_name, DROP COLUMN publication_name, DROP COLUMN publication_owned`,
  );
}
