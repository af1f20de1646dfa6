// The intent memory writes no WAL; a crash empties it and the collector rebuilds it
// (lib/contract/schema/footprint.ts, lib/fold/intent-memory.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { unloggedMemoryStatements } from "../../schema/footprint";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of unloggedMemoryStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  const r = contractTableNames().ownTable;
  pgm.sql(`ALTER TABLE ${r("collector_state")} DROP COLUMN memory_rebuilt_at`);
  pgm.sql(`DROP TABLE ${r("intent_memory_marker")}`);
  pgm.sql(`ALTER TABLE ${r("intent_memory")} SET LOGGED`);
}
