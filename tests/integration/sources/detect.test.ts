// `npm run connect -- --detect` on five hand-rolled idempotency tables from public projects (DDL
// from their own repositories, cited in tests/fixtures/stores/detect/), each holding rows written
// the way its service writes them: the roles it maps (checked one by one), what it says it could
// not map, a preset file that `connect --preset FILE --apply` installs, and the service's next
// writes captured through it.
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { escapeIdentifier } from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { presetSchema, type Preset } from "../../../lib/contract/preset";
import { readConnectedSource } from "../../../lib/contract/source-binding";
import { tableNamesFor } from "../../../lib/contract/tables";
import { runConnect } from "../../helpers/run-script";
import { capturedKinds } from "../../helpers/source-store";
import { createTestStore, type TestStore } from "../../helpers/store";

const url = inject("databaseUrl");
const fixtures = path.resolve(import.meta.dirname, "../../fixtures/stores/detect");

type Layout = {
  fixture: string;
  table: string;
  /** rows as the service writes them, before --detect reads a sample */
  before: (t: string) => string;
  /** the service's next request, after --apply */
  after: (t: string) => string;
  /** derive.<column> → the expression --detect must propose */
  derive: Partial<Record<keyof Preset["derive"], string | RegExp>>;
  /** what it must say it could not map (role names) */
  unmapped: string[];
  captured: Record<string, number>;
  release: "delete" | "unavailable";
  fail: "update" | "unavailable";
};

const LAYOUTS: Layout[] = [
  {
    // Tales-K/wallet-api: uuid key, method + path, a state enum, first/last seen times
    fixture: "wallet-api",
    table: "idempotency_keys",
    before: (t) => `
      INSERT INTO ${t} (idempotency_key, method, path, request_hash, status, response_status, response_body)
      VALUES ('7f0c3a52-4a3e-4c1f-9d57-1f2b3c4d5e6f', 'POST', '/wallets/1/deposit', 'h1', 'succeeded', 201, '{"ok":true}'),
             ('8a1d4b63-5b4f-4d20-8e68-2a3c4d5e6f70', 'POST', '/wallets/1/withdraw', 'h2', 'in_progress', NULL, NULL)`,
    after: (t) => `
      INSERT INTO ${t} (idempotency_key, method, path, request_hash, status)
      VALUES ('9b2e5c74-6c50-4e31-9f79-3b4d5e6f7081', 'POST', '/wallets/2/deposit', 'h3', 'in_progress');
      UPDATE ${t} SET status = 'succeeded', response_status = 201, response_body = '{"ok":true}', last_seen_at = now() + interval '1 second'
       WHERE idempotency_key = '9b2e5c74-6c50-4e31-9f79-3b4d5e6f7081'`,
    derive: {
      key: `r."idempotency_key"::text`,
      endpoint: `coalesce(r."method", '?') || ' ' || coalesce(r."path", '?')`,
      request_hash: `r."request_hash"::text`,
      status:
        /^CASE WHEN lower\(regexp_replace\(r\."status"::text.*THEN 'in_progress' WHEN .* THEN 'failed' WHEN r\."response_status" >= 500 THEN 'failed' ELSE 'completed' END$/,
      response_code: `r."response_status"::int`,
      created_at: `r."first_seen_at"`,
      updated_at: `r."last_seen_at"`,
      scope: "'(none)'",
    },
    unmapped: ["scope", "expiresAt", "lockedAt"],
    captured: { claimed: 1, completed: 1 },
    release: "delete",
    fail: "update",
  },
  {
    // Ervishalpathak7/Streaming-platform-backend: Prisma's quoted camelCase, no state column
    fixture: "streaming-platform",
    table: "IdempotencyKey",
    before: (t) => `
      INSERT INTO ${t} ("key", "userId", "path", "method", "statusCode", "responseBody")
      VALUES ('up-1', 'u1', '/videos/upload', 'POST', 201, '{"id":1}'), ('up-2', 'u2', '/videos/upload', 'POST', NULL, NULL)`,
    after: (t) => `
      INSERT INTO ${t} ("key", "userId", "path", "method") VALUES ('up-3', 'u1', '/videos/upload', 'POST');
      UPDATE ${t} SET "statusCode" = 201, "responseBody" = '{"id":3}' WHERE "key" = 'up-3'`,
    derive: {
      key: `r."key"::text`,
      scope: `coalesce(r."userId"::text, '?')`,
      endpoint: `coalesce(r."method", '?') || ' ' || coalesce(r."path", '?')`,
      status: `CASE WHEN r."statusCode" IS NULL THEN 'in_progress' WHEN r."statusCode" >= 500 THEN 'failed' ELSE 'completed' END`,
      locked_at: `(r."lockedAt" AT TIME ZONE 'UTC')`,
      created_at: `(r."createdAt" AT TIME ZONE 'UTC')`,
    },
    unmapped: ["expiresAt"],
    captured: { claimed: 1, completed: 1 },
    release: "delete",
    fail: "unavailable",
  },
  {
    // werb210/Staff-Server: the key unique per route, the response written with the row
    fixture: "staff-server",
    table: "idempotency_keys",
    before: (t) => `
      INSERT INTO ${t} (id, key, route, request_hash, response_code, response_body)
      VALUES ('a1', 'k-1', '/api/staff', 'h', 200, '{"ok":true}'), ('a2', 'k-1', '/api/leave', 'h', 409, '{"error":"x"}')`,
    after: (t) => `
      INSERT INTO ${t} (id, key, route, request_hash, response_code, response_body)
      VALUES ('a3', 'k-2', '/api/staff', 'h', 201, '{"ok":true}')`,
    derive: {
      key: `r."key"::text`,
      endpoint: `r."route"`,
      scope: "'(none)'",
      status: `CASE WHEN r."response_code" >= 500 THEN 'failed' ELSE 'completed' END`,
      id: `hashtextextended(coalesce(r."id"::text, ''), 0)`,
      created_at: `(r."created_at" AT TIME ZONE 'UTC')`,
    },
    unmapped: ["scope", "expiresAt", "lockedAt"],
    captured: { claimed: 1, completed: 1 },
    release: "unavailable",
    fail: "unavailable",
  },
  {
    // chais09/wise-payments-microservice: a globally unique key and nothing about the request
    fixture: "wise-payments",
    table: "idempotency_keys",
    before: (t) => `
      INSERT INTO ${t} (idempotency_key, request_hash, response_body, status_code)
      VALUES ('pay-1', 'h', '{"payment":1}', 201)`,
    after: (t) => `
      INSERT INTO ${t} (idempotency_key, request_hash, response_body, status_code)
      VALUES ('pay-2', 'h', '{"payment":2}', 201)`,
    derive: {
      id: `r."id"`,
      key: `r."idempotency_key"::text`,
      endpoint: "'(unknown)'",
      scope: "'(none)'",
      response_body: `to_jsonb(r."response_body"::text)`,
      created_at: `r."created_at"`,
    },
    unmapped: ["scope", "path", "expiresAt", "lockedAt"],
    captured: { claimed: 1, completed: 1 },
    release: "unavailable",
    fail: "unavailable",
  },
  {
    // nguyenluunhatminh02/chatapp: IN_PROGRESS → COMPLETED | FAILED, no response code
    fixture: "chatapp",
    table: "Idempotency",
    before: (t) => `
      INSERT INTO ${t} ("key", "status", "response", "updatedAt")
      VALUES ('msg-1', 'COMPLETED', '{"id":1}', now()), ('msg-2', 'IN_PROGRESS', NULL, now()),
             ('msg-3', 'FAILED', NULL, now())`,
    after: (t) => `
      INSERT INTO ${t} ("key", "status", "updatedAt") VALUES ('msg-4', 'IN_PROGRESS', now());
      UPDATE ${t} SET "status" = 'COMPLETED', "response" = '{"id":4}', "updatedAt" = now() + interval '1 second'
       WHERE "key" = 'msg-4'`,
    derive: {
      key: `r."key"::text`,
      status:
        /^CASE WHEN lower\(regexp_replace\(r\."status"::text, '\[\^A-Za-z0-9\]', '', 'g'\)\) ~ '\^\(inprogress\|.*THEN 'in_progress' WHEN .* THEN 'failed' ELSE 'completed' END$/,
      response_body: `r."response"::jsonb`,
      created_at: `(r."createdAt" AT TIME ZONE 'UTC')`,
      response_code: "NULL",
    },
    unmapped: ["scope", "path", "responseCode", "expiresAt", "lockedAt"],
    captured: { claimed: 1, completed: 1 },
    release: "delete",
    fail: "unavailable",
  },
];

describe.each(LAYOUTS)("connect --detect on $fixture", (layout) => {
  let store: TestStore;
  let table: string;
  let schema: string;
  let out: string;
  let preset: Preset;
  let detected: { code: number | null; stdout: string; stderr: string };
  // the CLI migrates a schema of its own, as on a user's database (the test store's is built
  // without the migrations' bookkeeping)
  const own = () => `${store.schema}_cli`;
  const connect = (args: string[]) =>
    runConnect(url, { own: own(), store: store.layout.storeSchema }, args);

  beforeAll(async () => {
    store = await createTestStore();
    schema = `${store.schema}_lib`;
    table = `${escapeIdentifier(schema)}.${escapeIdentifier(layout.table)}`;
    const ddl = await readFile(path.join(fixtures, `${layout.fixture}.sql`), "utf8");
    await store.pool.query(`CREATE SCHEMA ${escapeIdentifier(schema)}`);
    await store.pool.query(ddl.replaceAll("{{schema}}", escapeIdentifier(schema)));
    await store.pool.query(layout.before(table));
    out = path.join(os.tmpdir(), `idemscope-detect-${store.schema}.json`);
    detected = await connect(["--detect", "--table", `${schema}.${layout.table}`, "--out", out]);
    preset = presetSchema.parse(JSON.parse(await readFile(out, "utf8")));
  });
  afterAll(async () => {
    await store.pool.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(schema)} CASCADE`);
    await store.pool.query(`DROP SCHEMA IF EXISTS ${own()} CASCADE`);
    await store.drop();
  });

  it("writes a usable preset, each role mapped to the right column", () => {
    expect(detected.code, detected.stderr).toBe(0);
    for (const [column, expected] of Object.entries(layout.derive)) {
      const got = preset.derive[column as keyof Preset["derive"]];
      if (expected instanceof RegExp) expect(got, column).toMatch(expected);
      else expect(got, column).toBe(expected);
    }
    expect(preset.actions.release.kind).toBe(layout.release);
    expect(preset.actions.fail.kind).toBe(layout.fail);
  });

  it("says what it could not map, and asks what only the owner knows", () => {
    const notMapped = detected.stdout.split("Not mapped:\n")[1]?.split("\n\n")[0] ?? "";
    const roles = notMapped
      .split("\n")
      .map((l) => l.trim().split(/\s+/)[0])
      .filter(Boolean);
    expect(roles).toEqual(layout.unmapped);
    expect(preset.notes[0]).toMatch(/Proposed by npm run connect -- --detect/);
    expect(detected.stdout).toMatch(/Coverage \(what each panel will show\):/);
  });

  it("installs with connect --preset FILE --apply, and captures the service's next request", async () => {
    const applied = await connect([
      "--preset",
      out,
      "--table",
      `${schema}.${layout.table}`,
      "--apply",
      "--no-import",
    ]);
    expect(applied.code, applied.stderr).toBe(0);
    const binding = (await readConnectedSource(store.pool, own()))!;
    expect(binding.preset.name).toBe(preset.name);
    await store.pool.query(layout.after(table));
    const t = tableNamesFor({ ...store.layout, idemscopeSchema: own() }, binding);
    expect(await capturedKinds(store, t)).toEqual(layout.captured);
    await connect(["--uninstall"]);
  });
});

describe("connect --detect, refused", () => {
  let store: TestStore;
  const connect = (args: string[]) =>
    runConnect(url, { own: store.layout.idemscopeSchema, store: store.layout.storeSchema }, args);
  beforeAll(async () => {
    store = await createTestStore();
  });
  afterAll(() => store.drop());

  it("a table with no idempotency key is not a store, and a missing table says so", async () => {
    const schema = `${store.schema}_nokey`;
    await store.pool.query(`CREATE SCHEMA ${schema}`);
    await store.pool.query(`CREATE TABLE ${schema}.orders (id bigint PRIMARY KEY, total numeric)`);
    const r = await connect(["--detect", "--table", `${schema}.orders`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no usable preset: no column reads as the idempotency key/);
    const missing = await connect(["--detect", "--table", `${schema}.nothing`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist/);
    await store.pool.query(`DROP SCHEMA ${schema} CASCADE`);
  });

  it("refuses --detect with --apply: a proposal is reviewed before it is installed", async () => {
    const r = await connect(["--detect", "--apply"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/review it, then --preset FILE --apply/);
  });
});
