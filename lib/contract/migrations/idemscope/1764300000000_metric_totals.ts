// All-time counters for /api/metrics (lib/contract/schema/metric-totals.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { metricTotalsStatements } from "../../schema/metric-totals";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of metricTotalsStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(`DROP TABLE ${contractTableNames().ownTable("metric_totals")}`);
}
