// Annotations (deploys, config changes, incidents): markers on every time chart and the anchor of
// the before/after comparison (docs/operations.md, "Annotations").
import type { TableNames } from "../tables";

export function annotationStatements(t: TableNames): string[] {
  const a = t.ownTable("annotations");
  return [
    `CREATE TABLE ${a} (
      id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at         timestamptz NOT NULL,
      text       text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 500),
      endpoint   text,
      version    text CHECK (char_length(version) <= 100),
      actor      text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX annotations_at_idx ON ${a} (at DESC, id DESC)`,
  ];
}
