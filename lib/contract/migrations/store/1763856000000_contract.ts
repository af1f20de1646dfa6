// The idempotency store contract (docs/store-contract.md). Applied by the demo, the tests and
// `npm run migrate -- --store` for a new store; an existing production store keeps its own
// tables (or maps them with views, see docs/store-contract.md).
import type { MigrationBuilder } from "node-pg-migrate";
import { escapeIdentifier } from "pg";
import { config } from "../../../core/config";
import { contractStatements } from "../../schema/contract";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  const cfg = config();
  pgm.sql(`CREATE SCHEMA IF NOT EXISTS ${escapeIdentifier(cfg.storeSchema)}`);
  const names = { keys: cfg.keysTable, events: cfg.eventsTable };
  for (const statement of contractStatements(contractTableNames(), names)) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  const t = contractTableNames();
  pgm.sql(`DROP TABLE ${t.events}`);
  pgm.sql(`DROP TABLE ${t.keys}`);
}
