// The span-only source: a store outside PostgreSQL, seen through its services' spans alone.
import type { MigrationBuilder } from "node-pg-migrate";
import { spansOnlyStatements } from "../../schema/source";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of spansOnlyStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  const source = contractTableNames().ownTable("source");
  // a connected span-only source would violate the narrower check: say what to do first
  pgm.sql(`DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM ${source} WHERE capture = 'spans') THEN
      RAISE EXCEPTION 'a span-only source is connected: run npm run connect -- --uninstall first';
    END IF;
  END $$`);
  pgm.sql(`ALTER TABLE ${source} DROP CONSTRAINT source_capture_check`);
  pgm.sql(
    `ALTER TABLE ${source} ADD CONSTRAINT source_capture_check CHECK (capture IN ('triggers', 'logical'))`,
  );
}
