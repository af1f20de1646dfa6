// Failed keys, newest first, for key search (lib/contract/schema/search.ts, failedKeyIndexStatements).
import type { MigrationBuilder } from "node-pg-migrate";
import { config } from "../../../core/config";
import { failedKeyIndexStatements } from "../../schema/search";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of failedKeyIndexStatements(
    { keys: config().keysTable },
    contractTableNames(),
  ))
    pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  const cfg = config();
  pgm.sql(`DROP INDEX "${cfg.storeSchema}"."${cfg.keysTable}_failed_idx"`);
}
