// What `npm run connect -- --detect` reads of a table before it guesses a layout: its columns
// (types as format_type() prints them, enum labels, the values a CHECK allows), its primary and
// unique keys, and a small sample of its values. Catalog reads and one LIMIT read of a few pages:
// run once, by hand, never polled.
import { escapeIdentifier, type Pool } from "pg";

export type ColumnFacts = {
  name: string;
  /** as format_type() prints it without modifiers ("character varying", not "(255)"), as a preset records it */
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
      WHERE i.indrelid = $1 AND i.indisunique AND i.indpred IS NULL AND x.i <= i.indnkeyatts
        AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid)
      GROUP BY i.indexrelid`,
    [table.oid],
  );
  // values only of the columns a state could be in (text or an enum), never a response body, read
  // in a transaction that waits at most a second for a lock (an ALTER on the service's table)
  const stateLike = cols.rows
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.labels || /^(text|character varying|character)$/.test(c.type));
  const sample = stateLike.length
    ? await sampleValues(
        db,
        schema,
        name,
        stateLike.map(({ c, i }) => ({ name: c.name, alias: `c${i}` })),
      )
    : [];
  const columns = cols.rows.map((c, i): ColumnFacts => {
    const values = new Set<string>();
    for (const row of sample) {
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
    sampled: sample.length,
  };
}

async function sampleValues(
  db: Pool,
  schema: string,
  name: string,
  columns: { name: string; alias: string }[],
): Promise<Record<string, string | null>[]> {
  const c = await db.connect();
  try {
    await c.query("BEGIN READ ONLY");
    await c.query("SET LOCAL lock_timeout = '1s'");
    const list = columns.map((x) => `left(${ident(x.name)}::text, 100) AS ${x.alias}`).join(", ");
    const r = await c.query<Record<string, string | null>>(
      `SELECT ${list} FROM ${ident(schema)}.${ident(name)} LIMIT ${SAMPLE_ROWS}`,
    );
    await c.query("COMMIT");
    return r.rows;
  } catch (err) {
    await c.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}

/** The literals of a CHECK that names only this column: `status IN ('a', 'b')` or `= ANY (ARRAY[…])`. */
function checkedValues(column: string, cons: { kind: string; columns: string[]; def: string }[]) {
  const check = cons.find(
    (k) => k.kind === "c" && k.columns.length === 1 && k.columns[0] === column,
  );
  // only a list of allowed values: `col IN ('a', 'b')`, which PostgreSQL prints as = ANY (ARRAY[…])
  if (!check || !/= ANY \(\(?ARRAY\[|\bIN \(/i.test(check.def)) return null;
  const literals = [...check.def.matchAll(/'((?:[^']|'')*)'/g)].map((m) =>
    m[1]!.replace(/''/g, "'"),
  );
  return literals.length > 0 ? literals : null;
}

/** Tables that look like idempotency stores: by name, or by a column named like an idempotency key. */
export async function findCandidateTables(
  db: Pool,
  /** idemscope's own schema and the contract's tables: never a store to detect */
  own: { schema: string; tables: { schema: string; name: string }[] },
): Promise<{ schema: string; name: string }[]> {
  const r = await db.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> $1
        AND NOT (n.nspname, c.relname) IN (SELECT * FROM unnest($2::text[], $3::text[]))
        AND (c.relname ~* 'idempot|idem_?key'
             OR EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
                          AND NOT a.attisdropped AND a.attname ~* '^idem(potency)?_?key$'))
      ORDER BY 1, 2`,
    [own.schema, own.tables.map((t) => t.schema), own.tables.map((t) => t.name)],
  );
  return r.rows;
}

/** A column or table name as SQL writes it, always quoted (a hand-rolled table may name a column "user"). */
export const ident = escapeIdentifier;
