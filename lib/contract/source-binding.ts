// The source this process reads: the row `npm run connect -- --apply` records in idemscope's own
// schema, so every process on that database (server, collector, scripts) uses it with no
// configuration. Loaded at start and re-read periodically; a process-wide slot on globalThis
// because Next.js bundles route modules separately.
import { escapeIdentifier, escapeLiteral, type Pool, type PoolClient } from "pg";
import { captureModeNamed, STORE_EVENTS, TRIGGERS, type CaptureMode } from "./capture-modes";
import { presetSchema, type Preset } from "./preset";
import { CONTRACT } from "./presets";

/** The replication slot and publication of logical capture (null with triggers). */
export type LogicalBinding = {
  slot: string;
  publication: string;
  /** connect created the publication (and drops it on --uninstall); else the DBA's */
  publicationOwned: boolean;
};

export type SourceBinding = {
  preset: Preset;
  table: { schema: string; name: string };
  /** the store's table behind the mapping view, quoted and schema-qualified */
  base: string;
  capture: CaptureMode;
  /** OpenTelemetry spans add the requests that write nothing (POST /v1/traces) */
  spans: boolean;
  logical: LogicalBinding | null;
  /** when `npm run connect` installed the capture (null for the contract: it keeps its own history) */
  installedAt: string | null;
  installedBy: string;
  /**
   * whether the rows the table held before capture are imported (lib/ingest/sources/history-import.ts):
   * false for the contract and for a source connected before the import existed
   */
  importsHistory: boolean;
};

/** The import's state (lib/ingest/sources/history-import.ts): present when a source imports. */
export const HISTORY_IMPORT_TABLE = "history_import";

type Slot = { source: SourceBinding | null };
const SLOT = Symbol.for("idemscope.activeSource");
const slot = (): Slot => {
  const g = globalThis as { [SLOT]?: Slot };
  return (g[SLOT] ??= { source: null });
};

/**
 * The contract's own tables as a source: the store's writer appends the contract's events itself,
 * so nothing is captured and nothing was installed.
 */
export function contractSource(layout: { storeSchema: string; keysTable: string }): SourceBinding {
  return {
    preset: CONTRACT,
    table: { schema: layout.storeSchema, name: layout.keysTable },
    base: `${escapeIdentifier(layout.storeSchema)}.${escapeIdentifier(layout.keysTable)}`,
    capture: STORE_EVENTS,
    spans: false,
    logical: null,
    installedAt: null,
    importsHistory: false,
    installedBy: "",
  };
}

/** The source `npm run connect` recorded, or null for a store that follows the contract. */
export function activeSource(): SourceBinding | null {
  return slot().source;
}

/** The preset of the source this process reads: the connected one's, or the contract. */
export function activePreset(): Preset {
  return activeSource()?.preset ?? CONTRACT;
}

export function setActiveSource(source: SourceBinding | null): void {
  slot().source = source;
}

export function bindingOf(
  preset: Preset,
  table: { schema: string; name: string },
  extra: {
    installedAt?: string;
    installedBy?: string;
    capture?: CaptureMode;
    spans?: boolean;
    logical?: LogicalBinding | null;
    importsHistory?: boolean;
  } = {},
): SourceBinding {
  return {
    preset,
    table,
    base: `${escapeIdentifier(table.schema)}.${escapeIdentifier(table.name)}`,
    capture: extra.capture ?? TRIGGERS,
    spans: extra.spans ?? false,
    logical: extra.logical ?? null,
    installedAt: extra.installedAt ?? new Date().toISOString(),
    installedBy: extra.installedBy ?? "",
    importsHistory: extra.importsHistory ?? true,
  };
}

type SourceRow = {
  definition: unknown;
  table_schema: string;
  table_name: string;
  installed_at: Date;
  installed_by: string;
  capture: string;
  spans: boolean;
  slot_name: string | null;
  publication_name: string | null;
  publication_owned: boolean;
  imports_history: boolean;
};

/** The recorded source of the database behind `db`; null when none is (or the table is absent). */
export async function readConnectedSource(
  db: Pool | PoolClient,
  ownSchema: string,
): Promise<SourceBinding | null> {
  const table = `${escapeIdentifier(ownSchema)}.source`;
  const r = await db
    .query<SourceRow>(
      `SELECT definition, table_schema, table_name, installed_at, installed_by, capture, spans,
              slot_name, publication_name, publication_owned,
              to_regclass(${escapeLiteral(`${escapeIdentifier(ownSchema)}.${escapeIdentifier(HISTORY_IMPORT_TABLE)}`)}) IS NOT NULL
                AS imports_history
         FROM ${table} WHERE id = 1`,
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
    {
      installedAt: row.installed_at.toISOString(),
      installedBy: row.installed_by,
      capture: captureModeNamed(row.capture) ?? TRIGGERS,
      spans: row.spans,
      importsHistory: row.imports_history,
      logical:
        row.slot_name && row.publication_name
          ? {
              slot: row.slot_name,
              publication: row.publication_name,
              publicationOwned: row.publication_owned,
            }
          : null,
    },
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
    before?.installedAt !== source?.installedAt ||
    before?.capture !== source?.capture ||
    before?.spans !== source?.spans;
  setActiveSource(source);
  return { source, changed };
}
