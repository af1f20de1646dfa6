// Clients page: keys per client, minute and all-endpoint day rows, range snapshots and storms
// (lib/contract/schema/clients.ts).
import type { MigrationBuilder } from "node-pg-migrate";
import { clientTotalsStatements } from "../../schema/clients";
import { contractTableNames } from "../../tables";

export function up(pgm: MigrationBuilder): void {
  for (const statement of clientTotalsStatements(contractTableNames())) pgm.sql(statement);
}

export function down(pgm: MigrationBuilder): void {
  const r = contractTableNames().ownTable;
  pgm.sql(
    `DROP TABLE ${r("client_storms")}, ${r("client_range_state")}, ${r("client_range_totals")}`,
  );
  pgm.sql(
    `DELETE FROM ${r("rollup_clients")} WHERE resolution = 'minute' OR (resolution = 'day' AND endpoint = '*')`,
  );
  pgm.sql(`ALTER TABLE ${r("rollup_clients")} DROP CONSTRAINT rollup_clients_resolution_check`);
  pgm.sql(
    `ALTER TABLE ${r("rollup_clients")} ADD CONSTRAINT rollup_clients_resolution_check CHECK (resolution IN ('hour', 'day'))`,
  );
  pgm.sql(`ALTER TABLE ${r("rollup_clients")} DROP COLUMN keys`);
}
