// The source this process reads: the row `npm run connect -- --apply` records in idemscope's own
// schema, so every process on that database (server, collector, scripts) uses it with no
// configuration. Loaded at start and re-read periodically; a process-wide slot on globalThis
// because Next.js bundles route modules separately.
import { escapeIdentifier, type Pool, type PoolClient } from "pg";
import { presetSchema, type Preset } from "./preset";

export type SourceBinding = {
  preset: Preset;
  table: { schema: string; name: string };
  /** the store's table behind the mapping view, quoted and schema-qualified */
  base: string;
  capture: "triggers";
  installedAt: string;
  installedBy: string;
};

type Slot = { source: SourceBinding | null };
const SLOT = Symbol.for("idemscope.activeSource");
const slot = (): Slot => {
  const g = globalThis as { [SLOT]?: Slot };
  return (g[SLOT] ??= { source: null });
};

/** The connected source, or null for a store that follows the contract. */
export function activeSource(): SourceBinding | null {
  return slot().source;
}

export function setActiveSource(source: SourceBinding | null): void {
  slot().source = source;
}

export function bindingOf(
  preset: Preset,
  table: { schema: string; name: string },
  extra: { installedAt?: string; installedBy?: string } = {},
): SourceBinding {
  return {
    preset,
    table,
    base: `${escapeIdentifier(table.schema)}.${escapeIdentifier(table.name)}`,
    capture: "triggers",
    installedAt: extra.installedAt ?? new Date().toISOString(),
    installedBy: extra.installedBy ?? "",
  };
}

type SourceRow = {
  definition: unknown;
  table_schema: string;
  table_name: string;
  installed_at: Date;
  installed_by: string;
};

/** The recorded source of the database behind `db`; null when none is (or the table is absent). */
export async function readConnectedSource(
  db: Pool | PoolClient,
  ownSchema: string,
): Promise<SourceBinding | null> {
  const table = `${escapeIdentifier(ownSchema)}.source`;
  const r = await db
    .query<SourceRow>(
      `SELECT definition, table_schema, table_name, installed_at, installed_by FROM ${table} WHERE id = 1`,
    )
    .catch((err: Error & { code?: string }) => {
      if (err.code === "42P01" || err.code === "3F000") return { rows: [] as SourceRow[] };
      throw err;
    });
  const row = r.rows[0];
  if (!row) return null;
  return bindingOf(
    presetSchema.parse(row.definition),
    { schema: row.table_schema, name: row.table_name },
    { installedAt: row.installed_at.toISOString(), installedBy: row.installed_by },
  );
}

/** Reads the recorded source and makes it this process's; returns what changed, if anything. */
export async function refreshActiveSource(
  db: Pool | PoolClient,
  ownSchema: string,
): Promise<{ source: SourceBinding | null; changed: boolean }> {
  const source = await readConnectedSource(db, ownSchema);
  const before = activeSource();
  const changed =
    (before?.preset.name ?? null) !== (source?.preset.name ?? null) ||
    before?.base !== source?.base ||
    before?.installedAt !== source?.installedAt;
  setActiveSource(source);
  return { source, changed };
}
