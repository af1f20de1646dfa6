// `npm run migrate [-- --store]`: applies idemscope's own schema to DATABASE_URL, and with
// --store the store contract tables too (for a new store).
import { parseArgs } from "node:util";
import { migrate } from "../lib/contract/migrate";

const { values } = parseArgs({ options: { store: { type: "boolean", default: false } } });
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("migrate: set DATABASE_URL to the database to migrate");
  process.exit(1);
}
migrate({ databaseUrl: url, includeStore: values.store })
  .then((applied) => console.log(applied.length ? `applied: ${applied.join(", ")}` : "up to date"))
  .catch((err: Error) => {
    console.error(`migrate: ${err.message}`);
    process.exit(1);
  });
