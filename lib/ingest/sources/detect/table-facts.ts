// What `npm run connect -- --detect` reads of a table before it guesses a layout: its columns
// (types as format_type() prints them, enum labels, the values a CHECK allows), its primary and
// unique keys, and a small sample of its values. Catalog reads and one LIMIT read of a few pages:
// run once, by hand, never polled.
import type { Pool } from "pg";

export type ColumnFacts = {
  name: string;
  /** as format_type() prints it without modifiers (varchar, not varchar(255)), as a preset records it */
  type: string;
  notNull: boolean;
  /** the labels of an enum type, or the literals a CHECK (col IN (…)) allows; null: any value */
  allowed: string[] | null;
  /** distinct values seen in the sample (text, at most 20), for status-like columns */
  seen: string[];
};

export type TableFacts = {
  schema: string;
  name: string;
  columns: ColumnFacts[];
  primaryKey: string[];
  /** every unique key (the primary key included), as column lists */
  uniqueKeys: string[][];
  /** the planner's estimate of the rows */
  estimatedRows: number;
  sampled: number;
};

const SAMPLE_ROWS = 200;

/** The facts of schema.name; null when there is no such table. */
export async function readTableFacts(
  db: Pool,
  schema: string,
  name: string,
): Promise<TableFacts | null> {
  const rel = await db.query<{ oid: number; rows: number }>(
    `SELECT c.oid, greatest(c.reltuples, 0)::float8 AS rows
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [schema, name],
  );
  const table = rel.rows[0];
  if (!table) return null;
  const cols = await db.query<{
    name: string;
    type: string;
    not_null: boolean;
    labels: string[] | null;
  }>(
    `SELECT a.attname AS name, format_type(a.atttypid, NULL) AS type, a.attnotnull AS not_null,
            (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e
              WHERE e.enumtypid = a.atttypid) AS labels
       FROM pg_attribute a
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [table.oid],
  );
  const cons = await db.query<{ kind: string; columns: string[]; def: string }>(
    `SELECT k.contype AS kind, pg_get_constraintdef(k.oid) AS def,
            coalesce((SELECT array_agg(a.attname::text ORDER BY x.i) FROM unnest(k.conkey) WITH ORDINALITY x(n, i)
                        JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = x.n), '{}'::text[]) AS columns
       FROM pg_constraint k WHERE k.conrelid = $1 AND k.contype IN ('p', 'u', 'c')`,
    [table.oid],
  );
  // unique indexes that are not constraints (CREATE UNIQUE INDEX, as Prisma writes them)
  const idx = await db.query<{ columns: string[] }>(
    `SELECT array_agg(a.attname::text ORDER BY x.i) AS columns
       FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY x(n, i)
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = x.n
      WHERE i.indrelid = $1 AND i.indisunique AND i.indpred IS NULL
        AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid)
      GROUP BY i.indexrelid`,
    [table.oid],
  );
  const quoted = cols.rows.map((c, i) => `left(${ident(c.name)}::text, 200) AS c${i}`).join(", ");
  const sample = await db.query<Record<string, string | null>>(
    `SELECT ${quoted} FROM ${ident(schema)}.${ident(name)} LIMIT ${SAMPLE_ROWS}`,
  );
  const columns = cols.rows.map((c, i): ColumnFacts => {
    const values = new Set<string>();
    for (const row of sample.rows) {
      const v = row[`c${i}`];
      if (v !== null && v !== undefined && values.size < 20) values.add(v);
    }
    return {
      name: c.name,
      type: c.type,
      notNull: c.not_null,
      allowed: c.labels ?? checkedValues(c.name, cons.rows),
      seen: [...values],
    };
  });
  return {
    schema,
    name,
    columns,
    primaryKey: cons.rows.find((k) => k.kind === "p")?.columns ?? [],
    uniqueKeys: [
      ...cons.rows.filter((k) => k.kind === "p" || k.kind === "u").map((k) => k.columns),
      ...idx.rows.map((x) => x.columns),
    ],
    estimatedRows: table.rows,
    sampled: sample.rows.length,
  };
}

/** The literals of a CHECK that names only this column: `status IN ('a', 'b')` or `= ANY (ARRAY[…])`. */
function checkedValues(column: string, cons: { kind: string; columns: string[]; def: string }[]) {
  const check = cons.find(
    (k) => k.kind === "c" && k.columns.length === 1 && k.columns[0] === column,
  );
  if (!check) return null;
  const literals = [...check.def.matchAll(/'((?:[^']|'')*)'/g)].map((m) =>
    m[1]!.replace(/''/g, "'"),
  );
  return literals.length > 0 ? literals : null;
}

/** Tables that look like idempotency stores: by name, or by a column named like an idempotency key. */
export async function findCandidateTables(db: Pool): Promise<{ schema: string; name: string }[]> {
  const r = await db.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT LIKE 'idemscope%'
        AND (c.relname ~* 'idempot|idem_?key'
             OR EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
                          AND NOT a.attisdropped AND a.attname ~* '^idem(potency)?_?key$'))
      ORDER BY 1, 2`,
  );
  return r.rows;
}

// reserved words a hand-rolled table may well use as a column name ("user", "order", "end")
const RESERVED = new Set(
  "all and any array as asc both case cast check collate column constraint create current_user default desc distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral leading limit not null offset on only or order placing primary references returning select session_user some table then to trailing true union unique user using when where window with".split(
    " ",
  ),
);

/** A column or table name as SQL writes it: bare when it can be, else double-quoted. */
export function ident(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name)
    ? name
    : `"${name.replace(/"/g, '""')}"`;
}
