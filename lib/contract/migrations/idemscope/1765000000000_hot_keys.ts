// Hot keys (lib/contract/schema/hot-keys.ts). Intents already remembered start counting their requests
// from here on; the hot rows fill from the next batches.
import type { MigrationBuilder } from "node-pg-migrate";
import { hotKeyStatements } from "../../schema/hot-keys";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of hotKeyStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  const r = contractTableNames().ownTable;
  pgm.sql(`DROP TABLE ${r("hot_intent_buckets")}, ${r("hot_intents")}`);
  pgm.sql(`ALTER TABLE ${r("intent_memory")} DROP COLUMN requests`);
}
