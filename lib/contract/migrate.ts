// Applies migrations: the store contract (only where idemscope owns the store, e.g. the demo)
// and idemscope's own schema (always). Each set has its own migrations table.
import path from "node:path";
import { runner } from "node-pg-migrate";
import { config } from "../core/config";

const here = path.dirname(new URL(import.meta.url).pathname);

export type MigrateOptions = { databaseUrl: string; includeStore: boolean };

export async function migrate({ databaseUrl, includeStore }: MigrateOptions): Promise<string[]> {
  const cfg = config();
  const sets = includeStore ? ["store", "idemscope"] : ["idemscope"];
  const applied: string[] = [];
  for (const set of sets) {
    const ran = await runner({
      databaseUrl,
      dir: path.join(here, "migrations", set),
      direction: "up",
      migrationsTable: set === "store" ? "store_migrations" : "migrations",
      migrationsSchema: cfg.idemscopeSchema,
      createMigrationsSchema: true,
      checkOrder: true,
      // The advisory lock makes concurrent starts (several replicas, parallel tests) safe.
      advisoryLockMode: "wait",
      log: () => {},
    });
    applied.push(...ran.map((m) => `${set}/${m.name}`));
  }
  return applied;
}
