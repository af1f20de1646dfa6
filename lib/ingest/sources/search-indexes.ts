// Key search on a library's table (issue #33, target 2). Its own indexes serve what the library
// asks (Stripe-style's leads with user_id), rarely "this key, whoever sent it", "the newest keys"
// or "what failed in the last hour". These are the contract's search indexes
// (lib/contract/schema/search.ts) over the preset's derivations, which the mapping view's
// predicates match: `npm run connect -- --search-indexes` shows them with their estimated size,
// `--create-search-indexes` creates the missing ones (CREATE INDEX CONCURRENTLY: the service's
// writes go on). idemscope never creates them unasked; a search none serves says so.
import { escapeIdentifier, escapeLiteral, type Pool } from "pg";
import type { Queryable } from "../../contract/context";
import { DERIVED_TYPES, derivation, type DerivedColumn } from "../../contract/preset";
import type { SourceBinding } from "../../contract/source-binding";

export type SearchIndexKind = "key" | "recent" | "client" | "failed" | "id";

export type SearchIndex = {
  kind: SearchIndexKind;
  name: string;
  /** the searches it serves, for the user */
  serves: string;
  /** the raw columns it reads (for its size estimate) */
  columns: string[];
  statement: string;
};

const SERVES: Record<SearchIndexKind, string> = {
  key: "a key or a key prefix, whoever sent it (the Key search box, in key order)",
  recent: "the newest keys: a time range, or one endpoint's",
  client: "one client's newest keys",
  failed: "failed keys, newest first",
  id: "the key page by id (the preset hashes the library's own key into an id)",
};

/** The search indexes for `binding`'s table, named after it (PostgreSQL keeps 63 bytes of a name). */
export function searchIndexesFor(binding: SourceBinding): SearchIndex[] {
  const { preset } = binding;
  // a derivation over the row alias r, as an index expression over the table's own columns
  const expr = (c: DerivedColumn) =>
    `((${derivation(preset, c).replace(/\br\s*\.\s*/g, "")})::${DERIVED_TYPES[c]})`;
  const name = (kind: SearchIndexKind) =>
    `idemscope_${kind}_search_${binding.table.name}`.slice(0, 63);
  const defs: Record<SearchIndexKind, { on: string; where?: string }> = {
    key: {
      on: `${expr("key")} COLLATE "C", ${expr("scope")} COLLATE "C", ${expr("endpoint")} COLLATE "C"`,
    },
    recent: { on: `${expr("created_at")}, ${expr("id")}` },
    client: { on: `${expr("scope")}, ${expr("created_at")}, ${expr("id")}` },
    failed: { on: `${expr("created_at")}, ${expr("id")}`, where: `${expr("status")} = 'failed'` },
    id: { on: expr("id") },
  };
  // an id that is a column of the table is served by its own index (its primary key, as a rule)
  const kinds: SearchIndexKind[] = /^\s*r\s*\.\s*("[^"]+"|\w+)\s*$/.test(derivation(preset, "id"))
    ? ["key", "recent", "client", "failed"]
    : ["key", "recent", "client", "failed", "id"];
  const reads = (kind: SearchIndexKind) => {
    const text = defs[kind].on + (defs[kind].where ?? "");
    return Object.keys(preset.columns).filter((c) =>
      new RegExp(`(^|[^\\w"])("${c}"|${c})\\b`).test(text),
    );
  };
  return kinds.map((kind) => ({
    kind,
    name: name(kind),
    serves: SERVES[kind],
    columns: reads(kind),
    statement: `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${escapeIdentifier(name(kind))}
      ON ${binding.base} (${defs[kind].on})${defs[kind].where ? ` WHERE ${defs[kind].where}` : ""}`,
  }));
}

/** The search indexes of `binding` that exist and are valid (a failed CONCURRENTLY leaves one that is not). */
export async function presentSearchIndexes(
  db: Queryable,
  binding: SourceBinding,
): Promise<Set<SearchIndexKind>> {
  const indexes = searchIndexesFor(binding);
  const r = await db.query<{ relname: string }>(
    `SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = to_regclass($1) AND i.indisvalid AND c.relname = ANY($2::text[])`,
    [binding.base, indexes.map((x) => x.name)],
  );
  const names = new Set(r.rows.map((x) => x.relname));
  return new Set(indexes.filter((x) => names.has(x.name)).map((x) => x.kind));
}

export type SearchIndexReport = SearchIndex & {
  present: boolean;
  /** estimated from the table's statistics (rows × the columns' average width), bytes */
  estimatedBytes: number;
};

/** Each index, whether it exists, and what it would take (from pg_stats: ANALYZE first). */
export async function searchIndexReport(
  db: Queryable,
  binding: SourceBinding,
): Promise<SearchIndexReport[]> {
  const present = await presentSearchIndexes(db, binding);
  const stats = await db.query<{ rows: number; widths: Record<string, number> | null }>(
    `SELECT greatest(c.reltuples, 0)::float8 AS rows,
            (SELECT jsonb_object_agg(s.attname, s.avg_width) FROM pg_stats s
              WHERE s.schemaname = $1 AND s.tablename = $2) AS widths
       FROM pg_class c WHERE c.oid = to_regclass($3)`,
    [binding.table.schema, binding.table.name, binding.base],
  );
  const rows = stats.rows[0]?.rows ?? 0;
  const widths = stats.rows[0]?.widths ?? {};
  return searchIndexesFor(binding).map((x) => {
    const width = x.columns.reduce((s, c) => s + (widths[c] ?? 16), 0);
    // a btree entry: 8 bytes of tuple header, 4 of line pointer, the key; pages 90 % full
    const share = x.kind === "failed" ? 0.05 : 1;
    return {
      ...x,
      present: present.has(x.kind),
      estimatedBytes: Math.round((rows * share * (12 + width)) / 0.9),
    };
  });
}

export type CreatedIndex = { name: string; bytes: number | null; seconds: number; error?: string };

/**
 * Creates the missing ones, one after the other, CONCURRENTLY (outside any transaction; the
 * service's writes go on). An index the preset's derivations cannot make (a function that is not
 * IMMUTABLE) is reported and dropped again; the search it would serve stays slow.
 */
export async function createSearchIndexes(
  pool: Pool,
  binding: SourceBinding,
): Promise<CreatedIndex[]> {
  const present = await presentSearchIndexes(pool, binding);
  const created: CreatedIndex[] = [];
  for (const x of searchIndexesFor(binding).filter((i) => !present.has(i.kind))) {
    const start = performance.now();
    const c = await pool.connect();
    try {
      await c.query("SET statement_timeout = 0");
      // an invalid leftover of an interrupted CONCURRENTLY would make IF NOT EXISTS skip it
      await c.query(
        `DROP INDEX CONCURRENTLY IF EXISTS ${escapeIdentifier(binding.table.schema)}.${escapeIdentifier(x.name)}`,
      );
      await c.query(x.statement);
      const size = await c.query<{ bytes: string }>(
        `SELECT pg_relation_size(to_regclass(${escapeLiteral(`${escapeIdentifier(binding.table.schema)}.${escapeIdentifier(x.name)}`)}))::text AS bytes`,
      );
      created.push({
        name: x.name,
        bytes: Number(size.rows[0]?.bytes ?? 0),
        seconds: (performance.now() - start) / 1000,
      });
    } catch (err) {
      await c
        .query(
          `DROP INDEX CONCURRENTLY IF EXISTS ${escapeIdentifier(binding.table.schema)}.${escapeIdentifier(x.name)}`,
        )
        .catch(() => undefined);
      created.push({
        name: x.name,
        bytes: null,
        seconds: (performance.now() - start) / 1000,
        error: (err as Error).message,
      });
    } finally {
      // a connection whose timeout could not be restored is closed, not handed back
      const reset = await c.query("RESET statement_timeout").then(
        () => true,
        () => false,
      );
      c.release(!reset);
    }
  }
  return created;
}
