// Each suite owns its data: a fresh store schema (contract tables + idemscope's own tables)
// on the shared test PostgreSQL, dropped when the suite ends.
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import type { Pool } from "pg";
import { parseConfig, type Config } from "../../lib/core/config";
import { writeContextOf, type WriteContext } from "../../lib/contract/context";
import { createPool } from "../../lib/db/pool";
import { allStatements } from "../../lib/contract/schema/all";
import { tableNamesFor, type TableLayout, type TableNames } from "../../lib/contract/tables";

export type TestStore = {
  pool: Pool;
  t: TableNames;
  schema: string;
  /** the configured layout (store schema, table names, idemscope's schema) */
  layout: TableLayout;
  /** the data layer's context on this store (a WriteContext: tests act on the primary) */
  ctx: (cfg?: Config) => WriteContext;
  drop: () => Promise<void>;
};

export async function createTestStore(options: { poolMax?: number } = {}): Promise<TestStore> {
  const url = inject("databaseUrl");
  const schema = `t_${randomBytes(5).toString("hex")}`;
  const layout = {
    storeSchema: schema,
    keysTable: "idempotency_keys",
    eventsTable: "idempotency_events",
    idemscopeSchema: `${schema}_own`,
  };
  const t = tableNamesFor(layout);
  const pool = createPool(url, { max: options.poolMax ?? 20, applicationName: "idemscope-test" });
  await pool.query(`CREATE SCHEMA ${schema}`);
  for (const s of allStatements(t, { keys: layout.keysTable, events: layout.eventsTable })) {
    await pool.query(s);
  }
  return {
    pool,
    t,
    schema,
    layout,
    ctx: (cfg = parseConfig({})) => writeContextOf(pool, t, cfg),
    drop: async () => {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      // a library's table beside the store (tests/helpers/source-store.ts)
      await pool.query(`DROP SCHEMA IF EXISTS ${schema}_lib CASCADE`);
      await pool.query(`DROP SCHEMA ${layout.idemscopeSchema} CASCADE`);
      await pool.end();
    },
  };
}
