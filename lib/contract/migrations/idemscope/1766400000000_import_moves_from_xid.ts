// The oldest transaction that may have moved a row after a library's import read it, and the
// table's storage then (lib/ingest/sources/history-import.ts): the import looks up only the rows
// such transactions wrote among those it imported, not every row it reads, unless the table was
// rewritten since. An import under way when this runs has none recorded, and keeps looking every
// row up.
import type { MigrationBuilder } from "node-pg-migrate";
import { HISTORY_IMPORT_TABLE, contractTableNames } from "../../tables";

const table = () => contractTableNames().ownTable(HISTORY_IMPORT_TABLE);

export function up(pgm: MigrationBuilder): void {
  pgm.sql(
    `ALTER TABLE IF EXISTS ${table()} ADD COLUMN IF NOT EXISTS moves_from xid8,
       ADD COLUMN IF NOT EXISTS read_filenode oid`,
  );
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(
    `ALTER TABLE IF EXISTS ${table()} DROP COLUMN IF EXISTS moves_from,
       DROP COLUMN IF EXISTS read_filenode`,
  );
}
