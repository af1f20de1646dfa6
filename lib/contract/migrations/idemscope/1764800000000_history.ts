// The history fold's position (lib/contract/schema/history.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { historyStatements } from "../../schema/history";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of historyStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  const cols = [
    "history_hi",
    "history_lo",
    "history_total",
    "history_done",
    "history_started_at",
    "history_finished_at",
    "history_complete_from",
    "paused_reason",
    "paused_since",
  ];
  pgm.sql(
    `ALTER TABLE ${contractTableNames().ownTable("collector_state")} ${cols.map((c) => `DROP COLUMN ${c}`).join(", ")}`,
  );
}
