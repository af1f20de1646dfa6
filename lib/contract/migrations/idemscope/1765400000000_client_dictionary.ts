// Narrower per-client rows: clients and endpoints by number (lib/contract/schema/client-dictionary.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { clientDictionaryStatements } from "../../schema/client-dictionary";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of clientDictionaryStatements(contractTableNames())) pgm.sql(statement);
}

export function down(): void {
  throw new Error("rollup_clients keeps clients by number now: restore from a backup to go back");
}
