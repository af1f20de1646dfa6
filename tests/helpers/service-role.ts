// The service's own login, as real deployments have it: LOGIN plus SELECT, INSERT, UPDATE and
// DELETE on its table (and its sequences), nothing of idemscope's. What it can do to idemscope's
// numbers is what any login on the store's database can do.
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { escapeIdentifier, type Pool } from "pg";
import { createPool } from "../../lib/db/pool";
import type { TestStore } from "./store";

export type ServiceRole = { role: string; pool: Pool; drop: () => Promise<void> };

export async function createServiceRole(
  store: TestStore,
  libSchema: string,
  table: string,
): Promise<ServiceRole> {
  const role = `svc_${randomBytes(4).toString("hex")}`;
  const password = randomBytes(12).toString("hex");
  const schema = escapeIdentifier(libSchema);
  await store.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  await store.pool.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
  await store.pool.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ${role}`);
  await store.pool.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`);
  const url = new URL(inject("databaseUrl"));
  url.username = role;
  url.password = password;
  const pool = createPool(url.toString(), { max: 8, applicationName: "the-service" });
  return {
    role,
    pool,
    drop: async () => {
      await pool.end();
      await store.pool.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
    },
  };
}

/** How long `fn` took, in milliseconds. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}
