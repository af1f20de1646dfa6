// Logical decoding's part of `npm run connect -- --capture logical` (docs/store-contract.md,
// "Capture modes"): the names of its slot and publication, the preconditions a DBA must meet (each
// checked with a message that says what to run), and the slot's creation and removal, which
// cannot happen inside the install transaction.
import { escapeIdentifier, escapeLiteral, type Client, type Pool, type PoolClient } from "pg";

/** Slot and publication names of one installation (one idemscope schema). */
export function logicalNames(ownSchema: string): { slot: string; publication: string } {
  const base = `idemscope_${ownSchema.toLowerCase().replace(/[^a-z0-9_]/g, "_")}`.slice(0, 63);
  return { slot: base, publication: base };
}

export type LogicalCheck = { problems: string[]; warnings: string[]; publicationExists: boolean };

type ServerFacts = {
  role: string;
  wal_level: string;
  keep: string;
  replication: boolean;
  superuser: boolean;
  owner: boolean;
  identity: string;
  persistence: string;
  slots_used: number;
  slots_max: number;
  senders_max: number;
  slot_exists: boolean;
  pub_exists: boolean;
  pub_has_table: boolean;
  pub_all_tables: boolean;
};

/**
 * What logical decoding of `base` needs, checked on the database (never changed). The role needs
 * REPLICATION; adding the table to a publication needs its owner, so a publication the DBA
 * created beforehand (named as printed) is used instead of creating one.
 */
export async function checkLogical(
  db: Pool | PoolClient,
  base: string,
  names: { slot: string; publication: string },
  /** the slot belongs to the source already connected here (a repeated --apply) */
  slotIsOurs = false,
): Promise<LogicalCheck> {
  const r = await db.query<ServerFacts>(
    `SELECT current_user AS role, current_setting('wal_level') AS wal_level,
            current_setting('max_slot_wal_keep_size') AS keep,
            r.rolreplication AS replication, r.rolsuper AS superuser,
            pg_has_role(c.relowner, 'USAGE') AS owner,
            c.relreplident::text AS identity, c.relpersistence::text AS persistence,
            (SELECT count(*)::int FROM pg_replication_slots) AS slots_used,
            current_setting('max_replication_slots')::int AS slots_max,
            current_setting('max_wal_senders')::int AS senders_max,
            EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $2) AS slot_exists,
            EXISTS (SELECT 1 FROM pg_publication WHERE pubname = $3) AS pub_exists,
            EXISTS (SELECT 1 FROM pg_publication p JOIN pg_publication_rel pr ON pr.prpubid = p.oid
                     WHERE p.pubname = $3 AND pr.prrelid = c.oid) AS pub_has_table,
            coalesce((SELECT puballtables FROM pg_publication WHERE pubname = $3), false) AS pub_all_tables
       FROM pg_class c, pg_roles r
      WHERE c.oid = $1::regclass AND r.rolname = current_user`,
    [base, names.slot, names.publication],
  );
  const f = r.rows[0]!;
  const problems: string[] = [];
  const warnings: string[] = [];
  if (f.wal_level !== "logical")
    problems.push(
      `wal_level is ${f.wal_level}; logical decoding needs wal_level=logical (ALTER SYSTEM SET wal_level = logical, then restart PostgreSQL), or use --capture triggers`,
    );
  if (!f.replication && !f.superuser)
    problems.push(
      `role ${escapeIdentifier(f.role)} lacks the REPLICATION attribute, which a replication slot needs (ALTER ROLE ${escapeIdentifier(f.role)} REPLICATION; on RDS: GRANT rds_replication TO ${escapeIdentifier(f.role)})`,
    );
  if (f.keep === "-1")
    problems.push(
      "max_slot_wal_keep_size is -1 (unlimited): if idemscope stopped reading, its slot would keep WAL until the disk fills. Bound it first (ALTER SYSTEM SET max_slot_wal_keep_size = '10GB'; SELECT pg_reload_conf())",
    );
  else
    warnings.push(
      `a stalled slot keeps at most max_slot_wal_keep_size = ${f.keep} of WAL; past that PostgreSQL invalidates it and capture must be connected again (the Overview and /api/metrics show the retained WAL)`,
    );
  if (f.persistence === "u")
    problems.push(
      `${base} is UNLOGGED: its changes are not written to the WAL and cannot be decoded; use --capture triggers`,
    );
  if (f.identity !== "f")
    problems.push(
      `${base} has REPLICA IDENTITY ${f.identity === "d" ? "DEFAULT" : f.identity === "i" ? "USING INDEX" : "NOTHING"}: an update or delete then carries only the key columns, so completions, reclaims and purged keys cannot be derived. Run ALTER TABLE ${base} REPLICA IDENTITY FULL (it adds the old row to the WAL of each update and delete)`,
    );
  if (!f.slot_exists && f.slots_used >= f.slots_max)
    problems.push(
      `all max_replication_slots = ${f.slots_max} are in use; raise it (restart) or drop an unused slot`,
    );
  if (f.senders_max < 1) problems.push("max_wal_senders is 0: no replication connection can start");
  if (f.slot_exists && !slotIsOurs)
    problems.push(
      `a replication slot named ${names.slot} already exists (an earlier install not removed?): SELECT pg_drop_replication_slot(${escapeLiteral(names.slot)}) if nothing else uses it`,
    );
  if (f.pub_exists && !f.pub_has_table && !f.pub_all_tables)
    problems.push(
      `publication ${names.publication} exists but does not include ${base} (ALTER PUBLICATION ${escapeIdentifier(names.publication)} ADD TABLE ${base})`,
    );
  if (!f.pub_exists && !f.owner && !f.superuser)
    problems.push(
      `adding ${base} to a publication needs its owner: ask the DBA to run CREATE PUBLICATION ${escapeIdentifier(names.publication)} FOR TABLE ${base}; then run connect again (idemscope uses it and leaves it in place on --uninstall)`,
    );
  if (f.pub_exists && !slotIsOurs)
    warnings.push(
      `publication ${names.publication} exists and is used as is (not dropped on --uninstall)`,
    );
  return { problems, warnings, publicationExists: f.pub_exists };
}

/** The publication connect creates when the DBA has not (part of the install transaction). */
export function createPublicationStatement(publication: string, base: string): string {
  return `CREATE PUBLICATION ${escapeIdentifier(publication)} FOR TABLE ${base} WITH (publish = 'insert, update, delete')`;
}

/**
 * Creates the slot. Outside any transaction that wrote (PostgreSQL refuses that), and before the
 * install's transaction: the slot decodes from its creation on, and a publication that did not
 * exist yet at a change simply skips it.
 */
export async function createSlot(db: Pool, slot: string): Promise<void> {
  await db.query(`SELECT pg_create_logical_replication_slot($1, 'pgoutput')`, [slot]);
}

/** Drops the slot (ending the walsender that streams it first); false when it was not there. */
export async function dropSlot(db: Pool | Client, slot: string): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const r = await db.query<{ active_pid: number | null }>(
      `SELECT active_pid FROM pg_replication_slots WHERE slot_name = $1`,
      [slot],
    );
    const row = r.rows[0];
    if (!row) return false;
    if (row.active_pid !== null) {
      await db.query(`SELECT pg_terminate_backend($1)`, [row.active_pid]);
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      await db.query(`SELECT pg_drop_replication_slot($1)`, [slot]);
      return true;
    } catch (err) {
      // the consumer reconnected between the check and the drop: end it again
      if ((err as { code?: string }).code !== "55006") throw err;
    }
  }
  throw new Error(`replication slot ${slot} stays in use; stop idemscope's collector and retry`);
}
