// The collector's rollups and state (issue: incremental multi-resolution rollups).
import type { MigrationBuilder } from "node-pg-migrate";
import { rollupStatements } from "../../schema/rollups";
import { contractTableNames } from "../../tables";

const TABLES = [
  "collector_gaps",
  "collector_state",
  "intents",
  "rollup_retry_delays",
  "rollup_successes",
  "rollup_clients",
  "rollup_latency",
  "rollup_events",
];

export function up(pgm: MigrationBuilder): void {
  for (const statement of rollupStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  const t = contractTableNames();
  for (const table of TABLES) pgm.sql(`DROP TABLE ${t.ownTable(table)}`);
}
