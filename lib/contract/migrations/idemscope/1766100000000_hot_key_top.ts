// The collector's ranked hot keys per range (lib/contract/schema/hot-keys.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { hotKeyTopStatements } from "../../schema/hot-keys";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of hotKeyTopStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  const r = contractTableNames().ownTable;
  pgm.sql(`DROP TABLE ${r("hot_intent_top_state")}`);
  pgm.sql(`DROP TABLE ${r("hot_intent_top")}`);
}
