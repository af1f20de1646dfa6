// The span-only source: a store outside PostgreSQL, seen through its services' spans alone.
import type { MigrationBuilder } from "node-pg-migrate";
import { spansOnlyStatements } from "../../schema/source";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of spansOnlyStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  const source = contractTableNames().ownTable("source");
  pgm.sql(`ALTER TABLE ${source} DROP CONSTRAINT source_capture_check`);
  pgm.sql(
    `ALTER TABLE ${source} ADD CONSTRAINT source_capture_check CHECK (capture IN ('triggers', 'logical'))`,
  );
}
