// A narrower per-intent memory (lib/contract/schema/footprint.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { footprintStatements } from "../../schema/footprint";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of footprintStatements(contractTableNames())) pgm.sql(statement);
}

export function down(): void {
  throw new Error("the intent memory keeps only hashes: the old intents table cannot be rebuilt");
}
