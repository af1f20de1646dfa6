// Server-side secrets idemscope keeps in its own schema. The fingerprint key makes the request
// and response fingerprints shown to viewers keyed digests (HMAC), so that nobody without it can
// confirm a guessed body offline; kept in the database so every replica shows the same ones.
import type { TableNames } from "../tables";

export function secretsStatements(t: TableNames): string[] {
  const secrets = t.ownTable("secrets");
  return [
    `CREATE TABLE ${secrets} (
      name       text PRIMARY KEY,
      value      text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    // two v4 UUIDs: 244 random bits from the server's strong random source
    `INSERT INTO ${secrets} (name, value)
     VALUES ('fingerprint_key', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))`,
  ];
}
