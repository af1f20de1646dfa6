// `npm run connect` as a user runs it, against the test PostgreSQL: what it prints, what --apply
// installs (once), what --uninstall removes, and a one-line reason for each bad input with
// nothing half-applied.
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { BUILT_IN_PRESETS } from "../../../lib/contract/presets";
import { runConnect } from "../../helpers/run-script";

const url = inject("databaseUrl");
const id = randomBytes(4).toString("hex");
const lib = `c_${id}_lib`;
/** the library's table, named with --table as a user whose table is not in public would */
const T = `${lib}.idempotency_keys`;
const fixtures = path.resolve(import.meta.dirname, "../../fixtures/stores");
let admin: pg.Client;

/** One run of the script with its own idemscope schema (`own`). */
const connect = (own: string, args: string[], databaseUrl = url) =>
  runConnect(databaseUrl, { own, store: lib }, args);

async function triggersOn(table: string): Promise<string[]> {
  const r = await admin.query<{ tgname: string }>(
    `SELECT tgname FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal ORDER BY 1`,
    [table],
  );
  return r.rows.map((x) => x.tgname);
}

async function libraryTable(schema: string, edit = (ddl: string) => ddl) {
  const ddl = await readFile(path.join(fixtures, "stripe-style.sql"), "utf8");
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(edit(ddl.replaceAll("{{schema}}", schema)));
}

beforeAll(async () => {
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await libraryTable(lib);
});
afterAll(async () => {
  const r = await admin.query<{ nspname: string }>(
    `SELECT nspname FROM pg_namespace WHERE nspname LIKE $1`,
    [`c\\_${id}%`],
  );
  for (const { nspname } of r.rows) await admin.query(`DROP SCHEMA ${nspname} CASCADE`);
  const role = `c_${id}_reader`;
  if ((await admin.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role])).rowCount)
    await admin.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
  await admin.end();
});

describe("npm run connect", () => {
  it("refuses an unknown preset in one line, naming the built-in ones", async () => {
    const r = await connect(`c_${id}_a`, ["--preset", "stripe"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(
      /unknown preset "stripe": built in are contract, stripe-style, medusa-v1/,
    );
  });

  it("prints the coverage and the SQL, and changes nothing without --apply", async () => {
    const r = await connect(`c_${id}_a`, ["--preset", "stripe-style", "--table", T]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /Replay ratio\s+unavailable\s+not captured for this layout: a retry of a finished key/,
    );
    expect(r.stdout).toMatch(/Duplicate successes\s+available/);
    expect(r.stdout).toMatch(/Release\s+available\s+Clears locked_at/);
    expect(r.stdout).toContain("CREATE TRIGGER idemscope_capture AFTER INSERT OR DELETE");
    expect(r.stdout).toContain("CREATE TRIGGER idemscope_capture_update AFTER UPDATE");
    expect(await triggersOn(`${lib}.idempotency_keys`)).toEqual([]);
  });

  it("applies once in a transaction, says so on a second --apply, and refuses another preset", async () => {
    const own = `c_${id}_b`;
    const first = await connect(own, ["--preset", "stripe-style", "--table", T, "--apply"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/connected: stripe-style on "c_\w+_lib"\."idempotency_keys"/);
    expect(await triggersOn(`${lib}.idempotency_keys`)).toEqual([
      "idemscope_capture",
      "idemscope_capture_update",
    ]);

    const second = await connect(own, ["--preset", "stripe-style", "--table", T, "--apply"]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/already connected: stripe-style .* nothing changed/);

    // the same preset name with another definition (a team's edited file) is not silently kept
    const edited = path.join(os.tmpdir(), `idemscope-preset-${id}.json`);
    await writeFile(
      edited,
      JSON.stringify({ ...BUILT_IN_PRESETS.get("stripe-style"), lockTimeoutSeconds: 120 }),
    );
    const changed = await connect(own, ["--preset", edited, "--table", T, "--apply"]);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(
      /connected with another definition of stripe-style .* --uninstall, then --apply/,
    );

    const other = await connect(own, [
      "--preset",
      "medusa-v1",
      "--table",
      `${lib}.idempotency_keys`,
      "--apply",
    ]);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(
      /column idempotency_key of .* is text; the medusa-v1 preset expects character varying/,
    );

    const removed = await connect(own, ["--uninstall"]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/removed: stripe-style capture/);
    expect(await triggersOn(`${lib}.idempotency_keys`)).toEqual([]);
    const left = await admin.query(`SELECT to_regclass($1) AS v`, [`${own}.store_keys`]);
    expect(left.rows[0].v).toBeNull();
    expect((await connect(own, ["--uninstall"])).stdout).toMatch(/no source is connected/);
  });

  it("shows the indexes key search would need and creates them, CONCURRENTLY, only when asked", async () => {
    const own = `c_${id}_s`;
    const shown = await connect(own, [
      "--preset",
      "stripe-style",
      "--table",
      T,
      "--search-indexes",
    ]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(
      /missing {2}idemscope_key_search_idempotency_keys: a key or a key prefix/,
    );
    expect(shown.stdout).toMatch(/CREATE INDEX CONCURRENTLY IF NOT EXISTS/);
    expect(shown.stdout).toMatch(/--create-search-indexes creates the missing ones/);
    const indexes = async () =>
      (
        await admin.query<{ indexname: string }>(
          `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE 'idemscope%' ORDER BY 1`,
          [lib],
        )
      ).rows.map((r) => r.indexname);
    expect(await indexes()).toEqual([]);

    const created = await connect(own, [
      "--preset",
      "stripe-style",
      "--table",
      T,
      "--create-search-indexes",
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(
      /idemscope_key_search_idempotency_keys: created in [\d.]+ s, [\d.]+ MiB/,
    );
    expect(await indexes()).toEqual([
      "idemscope_client_search_idempotency_keys",
      "idemscope_failed_search_idempotency_keys",
      "idemscope_key_search_idempotency_keys",
      "idemscope_recent_search_idempotency_keys",
    ]);
    const again = await connect(own, [
      "--preset",
      "stripe-style",
      "--table",
      T,
      "--search-indexes",
    ]);
    expect(again.stdout).not.toMatch(/missing/);
    for (const name of await indexes()) await admin.query(`DROP INDEX ${lib}.${name}`);
  });

  it("names a missing column and a wrong type, one line each, and installs nothing", async () => {
    const schema = `c_${id}_bad`;
    await libraryTable(schema, (ddl) =>
      ddl
        .replace(/request_params\s+JSONB\s+NOT NULL,/, "")
        .replace("user_id         BIGINT", "user_id INT"),
    );
    const r = await connect(`c_${id}_c`, [
      "--preset",
      "stripe-style",
      "--table",
      `${schema}.idempotency_keys`,
      "--apply",
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      `connect: column request_params (jsonb) is missing from "${schema}"."idempotency_keys"`,
      `connect: column user_id of "${schema}"."idempotency_keys" is integer; the stripe-style preset expects bigint`,
    ]);
    expect(await triggersOn(`${schema}.idempotency_keys`)).toEqual([]);
  });

  it("names a missing privilege", async () => {
    const role = `c_${id}_reader`;
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'reader-password'`);
    await admin.query(`GRANT USAGE ON SCHEMA ${lib} TO ${role}`);
    await admin.query(`GRANT SELECT ON ${lib}.idempotency_keys TO ${role}`);
    await admin.query(
      `GRANT CREATE ON DATABASE ${(await admin.query("SELECT current_database() AS d")).rows[0].d} TO ${role}`,
    );
    const asReader = new URL(url);
    asReader.username = role;
    asReader.password = "reader-password";
    const r = await connect(
      `c_${id}_d`,
      ["--preset", "stripe-style", "--table", T],
      asReader.toString(),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `missing privilege: TRIGGER on "${lib}"."idempotency_keys" (needed to install the capture; --capture logical needs none)`,
    );
  });

  it("rolls the whole install back when one statement fails", async () => {
    const own = `c_${id}_e`;
    // the idemscope schema already holds a table where the mapping view goes
    const first = await connect(own, [
      "--preset",
      "stripe-style",
      "--table",
      `${lib}.idempotency_keys`,
    ]);
    expect(first.code).toBe(0);
    await admin.query(`CREATE SCHEMA ${own}; CREATE TABLE ${own}.store_keys (x int)`);
    const r = await connect(own, ["--preset", "stripe-style", "--table", T, "--apply"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(await triggersOn(`${lib}.idempotency_keys`)).toEqual([]);
    const events = await admin.query(`SELECT to_regclass($1) AS v`, [`${own}.captured_events`]);
    expect(events.rows[0].v).toBeNull();
  });
});
