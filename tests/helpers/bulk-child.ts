// A stand-in for the app process in the kill test: runs bulk releases (the data layer behind
// POST /api/v1/stuck/bulk) back to back until it is killed. Args: database URL, store schema,
// idemscope schema.
import { actOnStuckKeys } from "../../lib/act/stuck-actions";
import type { Operator } from "../../lib/auth/authorize";
import { parseConfig } from "../../lib/core/config";
import { writeContextOf } from "../../lib/contract/context";
import { createPool } from "../../lib/db/pool";
import { tableNames } from "../../lib/contract/tables";

const [url, storeSchema, ownSchema] = process.argv.slice(2) as [string, string, string];
const cfg = parseConfig({
  DATABASE_URL: url,
  IDEMSCOPE_STORE_SCHEMA: storeSchema,
  IDEMSCOPE_SCHEMA: ownSchema,
  IDEMSCOPE_TOKENS: "killer:operator:kill-test-token-0123456789",
});
const pool = createPool(url, { max: 1, applicationName: "idemscope-kill-test" });
const actor: Operator = {
  name: "killer",
  role: "operator",
  method: "token",
  email: null,
  groups: [],
  ambient: false,
};

for (;;) {
  const r = await actOnStuckKeys(writeContextOf(pool, tableNames(cfg), cfg), {
    action: "release",
    filter: {},
    reason: "kill test",
    dryRun: false,
    actor,
  });
  process.stdout.write(`${r.changed}\n`);
  if (r.changed === 0) break;
}
await pool.end();
