// `npm run connect -- --capture logical` as a DBA meets it: each precondition it cannot meet is
// named with what to run (wal_level, REPLICATION, max_slot_wal_keep_size, REPLICA IDENTITY FULL,
// UNLOGGED, publication ownership), a DBA's own publication is used and left in place, --apply
// creates the slot and --uninstall drops it.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  startEmbeddedPostgres,
  type EmbeddedPostgresHandle,
} from "../../../scripts/support/embedded-postgres";
import { dropSlot, logicalNames } from "../../../lib/ingest/sources/logical-setup";
import { runConnect } from "../../helpers/run-script";

const url = inject("databaseUrl");
const id = randomBytes(4).toString("hex");
const lib = `l_${id}_lib`;
const T = `${lib}.idempotency_keys`;
const role = `l_${id}_svc`;
const fixtures = path.resolve(import.meta.dirname, "../../fixtures/stores");
let admin: pg.Client;

/** One run of the script with its own idemscope schema (`own`). */
const connect = (own: string, args: string[], databaseUrl = url) =>
  runConnect(databaseUrl, { own, store: lib }, args);

async function createTable(db: pg.Client, preset: string, schema: string) {
  const ddl = await readFile(path.join(fixtures, `${preset}.sql`), "utf8");
  await db.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await db.query(ddl.replaceAll("{{schema}}", schema));
}

const slotOf = async (own: string) =>
  (
    await admin.query(`SELECT active FROM pg_replication_slots WHERE slot_name = $1`, [
      logicalNames(own).slot,
    ])
  ).rows[0] ?? null;

const asRole = (name: string) => {
  const u = new URL(url);
  u.username = name;
  u.password = "svc-password";
  return u.toString();
};

beforeAll(async () => {
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await createTable(admin, "stripe-style", lib);
});
afterAll(async () => {
  const slots = await admin.query<{ slot_name: string }>(
    `SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE $1`,
    [`idemscope\\_l\\_${id}%`],
  );
  for (const s of slots.rows) await dropSlot(admin, s.slot_name);
  await admin.query(`DROP PUBLICATION IF EXISTS ${logicalNames(`l_${id}_dba`).publication}`);
  const schemas = await admin.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace WHERE nspname LIKE $1`,
    [`l\\_${id}%`],
  );
  for (const { nspname } of schemas.rows) await admin.query(`DROP SCHEMA ${nspname} CASCADE`);
  if ((await admin.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role])).rowCount)
    await admin.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
  await admin.end();
});

describe("npm run connect -- --capture logical", () => {
  it("asks for REPLICA IDENTITY FULL with the statement to run, and creates nothing", async () => {
    const own = `l_${id}_a`;
    const r = await connect(own, [
      "--preset",
      "stripe-style",
      "--table",
      T,
      "--capture",
      "logical",
      "--apply",
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      `connect: "${lib}"."idempotency_keys" has REPLICA IDENTITY DEFAULT: an update or delete then carries only the key columns, so completions, reclaims and purged keys cannot be derived. Run ALTER TABLE "${lib}"."idempotency_keys" REPLICA IDENTITY FULL (it adds the old row to the WAL of each update and delete)`,
    ]);
    expect(await slotOf(own)).toBeNull();
  });

  it("prints the coverage without triggers, the slot and the publication; --apply makes them, --uninstall drops them", async () => {
    await admin.query(`ALTER TABLE ${T} REPLICA IDENTITY FULL`);
    const own = `l_${id}_b`;
    const plan = await connect(own, [
      "--preset",
      "stripe-style",
      "--table",
      T,
      "--capture",
      "logical",
    ]);
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/logical decoding through slot idemscope_l_\w+_b/);
    expect(plan.stdout).toMatch(
      /Requests\s+partial\s+claims and reclaims only \(by logical decoding\)/,
    );
    expect(plan.stdout).toContain(
      `SELECT pg_create_logical_replication_slot('${logicalNames(own).slot}', 'pgoutput')`,
    );
    expect(plan.stdout).toContain(
      `CREATE PUBLICATION "${logicalNames(own).publication}" FOR TABLE "${lib}"."idempotency_keys"`,
    );
    expect(plan.stdout).not.toContain("CREATE TRIGGER");
    expect(plan.stdout).toMatch(/a stalled slot keeps at most max_slot_wal_keep_size = 2GB of WAL/);
    expect(await slotOf(own)).toBeNull();

    const applied = await connect(own, [
      "--preset",
      "stripe-style",
      "--table",
      T,
      "--capture",
      "logical",
      "--apply",
    ]);
    expect(applied.stderr).toBe("");
    expect(applied.stdout).toMatch(
      /connected: stripe-style on .* \(logical decoding through slot idemscope_l_\w+_b installed\)/,
    );
    expect(await slotOf(own)).toEqual({ active: false });
    const again = await connect(own, [
      "--preset",
      "stripe-style",
      "--table",
      T,
      "--capture",
      "logical",
      "--apply",
    ]);
    expect(again.stdout).toMatch(/already connected: stripe-style .* nothing changed/);
    const other = await connect(own, ["--preset", "stripe-style", "--table", T, "--apply"]);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(
      /connected with logical decoding through slot .*; to switch to trigger capture run npm run connect -- --uninstall/,
    );

    const removed = await connect(own, ["--uninstall"]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/replication slot idemscope_l_\w+_b dropped/);
    expect(await slotOf(own)).toBeNull();
    const pub = await admin.query(`SELECT 1 FROM pg_publication WHERE pubname = $1`, [
      logicalNames(own).publication,
    ]);
    expect(pub.rowCount).toBe(0);
  });

  it("refuses an UNLOGGED table (node-idempotency's) and offers triggers", async () => {
    const schema = `l_${id}_node`;
    await createTable(admin, "node-idempotency", schema);
    const r = await connect(`l_${id}_c`, [
      "--preset",
      "node-idempotency",
      "--table",
      `${schema}.idempotency`,
      "--capture",
      "logical",
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `connect: "${schema}"."idempotency" is UNLOGGED: its changes are not written to the WAL and cannot be decoded; use --capture triggers`,
    );
  });

  it("names a missing REPLICATION attribute and table ownership; uses and keeps a DBA's publication", async () => {
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'svc-password'`);
    await admin.query(`GRANT USAGE ON SCHEMA ${lib} TO ${role}`);
    await admin.query(`GRANT SELECT, UPDATE ON ${T} TO ${role}`);
    const db = (await admin.query("SELECT current_database() AS d")).rows[0].d as string;
    await admin.query(`GRANT CREATE ON DATABASE ${db} TO ${role}`);
    const own = `l_${id}_dba`;
    const args = ["--preset", "stripe-style", "--table", T, "--capture", "logical"];
    const r = await connect(own, args, asRole(role));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `connect: role "${role}" lacks the REPLICATION attribute, which a replication slot needs (ALTER ROLE "${role}" REPLICATION; on RDS: GRANT rds_replication TO "${role}")`,
    );
    expect(r.stderr).toContain(
      `connect: adding "${lib}"."idempotency_keys" to a publication needs its owner: ask the DBA to run CREATE PUBLICATION "${logicalNames(own).publication}" FOR TABLE "${lib}"."idempotency_keys"`,
    );
    // the DBA does both; the service's role then connects without owning the table
    await admin.query(`ALTER ROLE ${role} REPLICATION`);
    await admin.query(`CREATE PUBLICATION ${logicalNames(own).publication} FOR TABLE ${T}`);
    const applied = await connect(own, [...args, "--apply"], asRole(role));
    expect(applied.stderr).toBe("");
    expect(applied.stdout).toMatch(/publication idemscope_l_\w+_dba exists and is used as is/);
    expect(await slotOf(own)).toEqual({ active: false });
    const removed = await connect(own, ["--uninstall"], asRole(role));
    expect(removed.stdout).toMatch(/replication slot .* dropped/);
    const pub = await admin.query(`SELECT 1 FROM pg_publication WHERE pubname = $1`, [
      logicalNames(own).publication,
    ]);
    expect(pub.rowCount).toBe(1); // the DBA's, left in place
  });

  it("refuses spans alone with a table (that is a row capture's), and an unknown capture, in one line", async () => {
    const spans = await connect(`l_${id}_e`, [
      "--preset",
      "stripe-style",
      "--table",
      T,
      "--capture",
      "spans",
    ]);
    expect(spans.code).toBe(2);
    expect(spans.stderr.trim()).toBe(
      "connect: --capture spans alone reads no table: leave out --preset (or use --preset spans-only), or add a row capture (--capture logical,spans)",
    );
    const unknown = await connect(`l_${id}_e`, [
      "--preset",
      "stripe-style",
      "--capture",
      "wal2json",
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toMatch(
      /--capture "wal2json" is not one of triggers, logical, spans/,
    );
  });
});

describe("on a server not set up for logical decoding", () => {
  let server: EmbeddedPostgresHandle;
  beforeAll(async () => {
    server = await startEmbeddedPostgres({
      dataDir: path.join(os.tmpdir(), `idemscope-replica-${id}`, "pg"),
      ephemeral: true,
      postgresFlags: ["-c", "wal_level=replica", "-c", "max_slot_wal_keep_size=-1"],
    });
    const db = new pg.Client({ connectionString: server.url });
    await db.connect();
    await createTable(db, "stripe-style", lib);
    await db.query(`ALTER TABLE ${T} REPLICA IDENTITY FULL`);
    await db.end();
  });
  afterAll(() => server?.stop());

  it("names wal_level and the unbounded slot WAL, with what to run", async () => {
    const r = await connect(
      `l_${id}_f`,
      ["--preset", "stripe-style", "--table", T, "--capture", "logical"],
      server.url,
    );
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      "connect: wal_level is replica; logical decoding needs wal_level=logical (ALTER SYSTEM SET wal_level = logical, then restart PostgreSQL), or use --capture triggers",
      "connect: max_slot_wal_keep_size is -1 (unlimited): if idemscope stopped reading, its slot would keep WAL until the disk fills. Bound it first (ALTER SYSTEM SET max_slot_wal_keep_size = '10GB'; SELECT pg_reload_conf())",
    ]);
  });
});
