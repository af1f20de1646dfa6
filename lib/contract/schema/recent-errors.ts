// The newest errors per kind, kept by the collector for the Overview's "Recent errors" list
// (docs/store-contract.md): a few hundred rows, so the list never reads the events table by kind
// (it has no index for that, and adding one would cost every write of the service).
import type { TableNames } from "../tables";

export function recentErrorStatements(t: TableNames): string[] {
  const r = t.ownTable("recent_errors");
  return [
    `CREATE TABLE ${r} (
      id            bigint PRIMARY KEY,
      at            timestamptz NOT NULL,
      kind          text NOT NULL,
      scope         text NOT NULL,
      endpoint      text NOT NULL,
      key           text NOT NULL,
      response_code int
    )`,
    `CREATE INDEX recent_errors_kind_at_idx ON ${r} (kind, at DESC, id DESC)`,
    `CREATE INDEX recent_errors_at_idx ON ${r} (at DESC, id DESC)`,
  ];
}
