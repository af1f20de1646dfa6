// A configuration error names the variable and where the problem is, and never repeats secret
// material: the message reaches logs, terminals and (under `next start`) API answers.
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../lib/core/config";

const SECRET = "S3cretTokenValue-0042";

/** Every run of 6+ characters of the secret, so that a partial echo fails as well. */
function fragments(secret: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 6 <= secret.length; i++) out.push(secret.slice(i, i + 6));
  return out;
}

function configError(env: Record<string, string>): string {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`expected a configuration error for ${Object.keys(env).join(", ")}`);
}

type Case = { variable: string; value: string; secret: string; where?: RegExp };

const cases: Case[] = [
  // IDEMSCOPE_TOKENS: NAME:ROLE:SECRET, comma-separated
  {
    variable: "IDEMSCOPE_TOKENS",
    value: `ci-bot=operator=${SECRET}`,
    secret: SECRET,
    where: /entry 1 \(characters 1–/,
  },
  { variable: "IDEMSCOPE_TOKENS", value: SECRET, secret: SECRET, where: /entry 1/ },
  // the secret in the name slot (a generated one, with no separator): never logged as a name
  {
    variable: "IDEMSCOPE_TOKENS",
    value: `S3cretTokenValue0042xyz:operator:another-secret-value-1234`,
    secret: "S3cretTokenValue0042xyz",
    where: /the name looks like a secret/,
  },
  { variable: "IDEMSCOPE_TOKENS", value: `ci-bot:${SECRET}`, secret: SECRET, where: /entry 1/ },
  {
    variable: "IDEMSCOPE_TOKENS",
    value: `ci-bot:${SECRET}:operator`,
    secret: SECRET,
    where: /role/,
  },
  {
    variable: "IDEMSCOPE_TOKENS",
    // a base64 secret where the name should be
    value: "S3cret+Token/Value=42:operator:ci-bot-ci-bot-ci-bot",
    secret: "S3cret+Token/Value=42",
    where: /name/,
  },
  {
    variable: "IDEMSCOPE_TOKENS",
    value: `ci-bot;operator;${SECRET}`,
    secret: SECRET,
    where: /entry 1/,
  },
  {
    variable: "IDEMSCOPE_TOKENS",
    value: `ci-bot :operator:${SECRET}`,
    secret: SECRET,
    where: /name/,
  },
  {
    variable: "IDEMSCOPE_TOKENS",
    value: `ok:viewer:viewer-secret-0123456789,pager:operator:abc,${SECRET}`,
    secret: SECRET,
    where: /entry 2 \(characters 36–/,
  },
  {
    // a comma inside the secret: the first part is too short, the second has no NAME:ROLE:
    variable: "IDEMSCOPE_TOKENS",
    value: `pager:operator:${SECRET.slice(0, 9)},${SECRET.slice(9)}xxxxxxxxxxxx`,
    secret: SECRET.slice(9) + "xxxxxxxxxxxx",
    where: /entry 1 .*cannot contain ','/,
  },
  {
    variable: "IDEMSCOPE_TOKENS",
    value: `a:viewer:${SECRET},b:operator:${SECRET}`,
    secret: SECRET,
    where: /entry 2/,
  },
  // single secrets
  { variable: "IDEMSCOPE_AUTH_PROXY_SECRET", value: "S3cret!", secret: "S3cret!" },
  { variable: "IDEMSCOPE_METRICS_TOKEN", value: "Bearer=S3cr", secret: "Bearer=S3cr" },
  { variable: "IDEMSCOPE_FINGERPRINT_KEY", value: SECRET, secret: SECRET },
  // connection strings carry passwords
  { variable: "DATABASE_URL", value: `postgres://app:${SECRET}@db host:5432/app`, secret: SECRET },
  { variable: "DATABASE_URL", value: `app:${SECRET}@db:5432/app`, secret: SECRET },
  { variable: "DATABASE_URL", value: `mysql://app:${SECRET}@db/app`, secret: SECRET },
  { variable: "DATABASE_URL", value: SECRET, secret: SECRET },
  { variable: "DATABASE_URL", value: `postgres://app:${SECRET}@:5432/app`, secret: SECRET },
  {
    variable: "IDEMSCOPE_READ_DATABASE_URL",
    value: `postgres://ro:${SECRET}@r,eplica:x/app`,
    secret: SECRET,
  },
  {
    variable: "IDEMSCOPE_READ_DATABASE_URL",
    value: `https://ro:${SECRET}@replica/app`,
    secret: SECRET,
  },
];

describe("configuration errors on secret-bearing variables", () => {
  it.each(cases)(
    "$variable = $value: named, located, not echoed",
    ({ variable, value, secret, where }) => {
      const message = configError({ [variable]: value });
      expect(message).toContain(variable);
      if (where) expect(message).toMatch(where);
      for (const f of fragments(secret)) expect(message).not.toContain(f);
      if (secret.length < 6) expect(message).not.toContain(secret);
    },
  );

  it("still accepts well-formed values", () => {
    const cfg = parseConfig({
      DATABASE_URL: `postgres://app:${encodeURIComponent("p@ss,w:rd")}@db.internal:5432/app`,
      IDEMSCOPE_READ_DATABASE_URL: "postgresql://ro@replica/app?sslmode=require",
      IDEMSCOPE_TOKENS: `ci-bot:viewer:${SECRET},pager:operator:${SECRET}:with:colons`,
      IDEMSCOPE_FINGERPRINT_KEY: "f".repeat(32),
    });
    expect(cfg.auth.tokens.map((t) => t.name)).toEqual(["ci-bot", "pager"]);
  });
});
