// The connected source (lib/sources): one row, written by `npm run connect -- --apply`, read by
// every idemscope process on that database. No row: the store follows the contract.
import type { TableNames } from "../tables";

export function sourceStatements(t: TableNames): string[] {
  return [
    `CREATE TABLE ${t.ownTable("source")} (
      id           int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
      preset       text NOT NULL,
      definition   jsonb NOT NULL,
      table_schema text NOT NULL,
      table_name   text NOT NULL,
      capture      text NOT NULL CHECK (capture IN ('triggers')),
      installed_at timestamptz NOT NULL DEFAULT now(),
      installed_by text NOT NULL DEFAULT current_user
    )`,
  ];
}
