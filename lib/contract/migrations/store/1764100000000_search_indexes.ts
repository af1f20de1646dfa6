// Key search indexes on the store (lib/contract/schema/search.ts). A store idemscope does not own gets
// them from its owners; docs/store-contract.md lists them.
import type { MigrationBuilder } from "node-pg-migrate";
import { config } from "../../../core/config";
import { searchIndexStatements } from "../../schema/search";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  const cfg = config();
  const names = { keys: cfg.keysTable, events: cfg.eventsTable };
  for (const statement of searchIndexStatements(contractTableNames(), names)) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  const cfg = config();
  const s = cfg.storeSchema;
  for (const name of [
    `${cfg.keysTable}_key_search_idx`,
    `${cfg.keysTable}_created_at_idx`,
    `${cfg.eventsTable}_key_search_idx`,
  ]) {
    pgm.sql(`DROP INDEX "${s}"."${name}"`);
  }
}
