// All-time counters for /api/metrics (lib/schema/metric-totals.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { metricTotalsStatements } from "../../schema/metric-totals";
import { tableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of metricTotalsStatements(tableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(`DROP TABLE ${tableNames().ownTable("metric_totals")}`);
}
