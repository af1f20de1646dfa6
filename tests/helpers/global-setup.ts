// Starts one embedded PostgreSQL for the whole Vitest run (or uses TEST_DATABASE_URL) and
// applies idemscope's migrations; every suite then makes its own isolated store schema.
import os from "node:os";
import path from "node:path";
import fs from "node:fs/promises";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../scripts/support/embedded-postgres";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    project.provide("databaseUrl", external);
    return;
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "idemscope-test-"));
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), ephemeral: true });
  project.provide("databaseUrl", pg.url);
  return async () => {
    await pg.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
}
