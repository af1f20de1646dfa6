// Who may do what (docs/operations.md), from the environment: trusted-proxy identity headers, bearer tokens
// for automation, the demo's anonymous access, and the global read-only switch.
import { BlockList, isIP } from "node:net";
import { z } from "zod";

export const ROLES = ["viewer", "operator"] as const;
export type Role = (typeof ROLES)[number];

export type TokenEntry = { name: string; role: Role; secret: string };

export type AuthConfig = {
  /** any authentication (tokens or a proxy) is configured */
  configured: boolean;
  readOnly: boolean;
  tokens: TokenEntry[];
  /** proxy peers whose identity headers are believed; empty = none */
  proxyAddresses: BlockList;
  proxyAddressesConfigured: boolean;
  /** alternative to addresses: the proxy proves itself with this header value */
  proxySecret: string | undefined;
  groupRoles: Map<string, Role>;
  /** role of a proxy-authenticated user none of whose groups is mapped; null = refused */
  proxyDefaultRole: Role | null;
  /** role of a request with no identity at all; null = must authenticate */
  anonymousRole: Role | null;
  /** the demo only grants anonymous operator to loopback peers */
  anonymousNeedsLoopback: boolean;
  /** origins mutations must come from; empty = the request's own Host */
  origins: string[];
};

const list = (raw: string) =>
  raw
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);

const bool = z
  .enum(["0", "1", "true", "false", ""])
  .default("")
  .transform((v) => v === "1" || v === "true");

const authEnvSchema = z.object({
  IDEMSCOPE_READ_ONLY: bool,
  IDEMSCOPE_TOKENS: z.string().default(""),
  IDEMSCOPE_AUTH_PROXY_ADDRESSES: z.string().default(""),
  IDEMSCOPE_AUTH_PROXY_SECRET: z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || v.length >= 16, "must be at least 16 characters"),
  IDEMSCOPE_AUTH_GROUP_ROLES: z.string().default(""),
  IDEMSCOPE_AUTH_DEFAULT_ROLE: z.enum(["viewer", "operator", "none"]).default("viewer"),
  IDEMSCOPE_ANONYMOUS_ROLE: z.enum(["viewer", "operator", "none", ""]).default(""),
  IDEMSCOPE_ORIGIN: z.string().default(""),
});

export class AuthConfigError extends Error {}

/** Entries of a comma-separated list with where each starts, for errors that point, not quote. */
function entries(raw: string): { text: string; index: number; from: number; to: number }[] {
  const out: { text: string; index: number; from: number; to: number }[] = [];
  let from = 0;
  for (const part of raw.split(",")) {
    const to = from + part.length;
    const text = part.trim();
    if (text) out.push({ text, index: out.length + 1, from: from + 1, to });
    from = to + 1;
  }
  return out;
}

const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
/** 20+ letters and digits in one run, with digits among them: the shape of a generated secret. */
const looksLikeSecret = (name: string) => /[A-Za-z0-9]{20,}/.test(name) && /\d/.test(name);

// Token errors say which entry and which characters are wrong but never repeat any of it but a
// well-formed name: a separator in the wrong place turns the secret into "the name" or "the
// role", and this message reaches logs and screens (docs/reliability.md, finding 3).
function parseTokens(raw: string): TokenEntry[] {
  const tokens: TokenEntry[] = [];
  const format = "must be NAME:viewer|operator:SECRET, entries separated by ','";
  for (const entry of entries(raw)) {
    const where = `IDEMSCOPE_TOKENS entry ${entry.index} (characters ${entry.from}–${entry.to})`;
    // name:role:secret — the secret may itself contain ':' (but not ',', the list separator)
    const [name = "", role = "", ...rest] = entry.text.split(":");
    const secret = rest.join(":");
    if (rest.length === 0) {
      throw new AuthConfigError(
        `${where} ${format}; it has ${role ? "one ':'" : "no ':'"} (a secret cannot contain ',')`,
      );
    }
    if (!TOKEN_NAME.test(name))
      throw new AuthConfigError(`${where}: the name must be letters, digits, _ . @ - (${format})`);
    // a name is logged and shown in the audit: one that looks like a secret (long, letters and
    // digits run together) is most likely the secret in the wrong slot, and is never repeated
    if (looksLikeSecret(name))
      throw new AuthConfigError(
        `${where}: the name looks like a secret (20 or more letters and digits with no separator); a name is logged and audited, so give a readable one such as ci-bot (${format})`,
      );
    if (!ROLES.includes(role as Role))
      throw new AuthConfigError(`${where} ("${name}"): the role must be viewer|operator`);
    if (secret.length < 16)
      throw new AuthConfigError(
        `${where} ("${name}"): the secret must be at least 16 characters (a secret cannot contain ',')`,
      );
    if (tokens.some((t) => t.name === name))
      throw new AuthConfigError(`IDEMSCOPE_TOKENS: token name "${name}" is used twice`);
    if (tokens.some((t) => t.secret === secret))
      throw new AuthConfigError(`${where} ("${name}"): the same secret is used by another token`);
    tokens.push({ name, role: role as Role, secret });
  }
  return tokens;
}

function parseProxyAddresses(raw: string): BlockList {
  const blocks = new BlockList();
  for (const part of list(raw)) {
    const [address, prefix] = part.split("/");
    const family = isIP(address ?? "");
    if (!family || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) {
      throw new AuthConfigError(`IDEMSCOPE_AUTH_PROXY_ADDRESSES: "${part}" is not an IP or CIDR`);
    }
    const type = family === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) blocks.addAddress(address as string, type);
    else blocks.addSubnet(address as string, Number(prefix), type);
  }
  return blocks;
}

function parseGroupRoles(raw: string): Map<string, Role> {
  const map = new Map<string, Role>();
  for (const part of list(raw)) {
    const eq = part.lastIndexOf("=");
    const role = part.slice(eq + 1).trim();
    if (eq <= 0 || !ROLES.includes(role as Role)) {
      throw new AuthConfigError(
        `IDEMSCOPE_AUTH_GROUP_ROLES: "${part}" is not GROUP=viewer|operator`,
      );
    }
    map.set(part.slice(0, eq).trim(), role as Role);
  }
  return map;
}

function parseOrigins(raw: string): string[] {
  return list(raw).map((o) => {
    try {
      const url = new URL(o);
      if (url.origin === "null") throw new Error();
      return url.origin;
    } catch {
      throw new AuthConfigError(`IDEMSCOPE_ORIGIN: "${o}" is not an origin like https://host`);
    }
  });
}

export function parseAuthConfig(
  env: Record<string, string | undefined>,
  demo: boolean,
): AuthConfig {
  const parsed = authEnvSchema.safeParse(env);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new AuthConfigError(`${String(first?.path.join("."))}: ${first?.message}`);
  }
  const e = parsed.data;
  const tokens = parseTokens(e.IDEMSCOPE_TOKENS);
  const proxyAddresses = parseProxyAddresses(e.IDEMSCOPE_AUTH_PROXY_ADDRESSES);
  const proxyAddressesConfigured = list(e.IDEMSCOPE_AUTH_PROXY_ADDRESSES).length > 0;
  const proxyConfigured = proxyAddressesConfigured || e.IDEMSCOPE_AUTH_PROXY_SECRET !== undefined;
  const authConfigured = proxyConfigured || tokens.length > 0;
  // No auth outside the demo means a read-only dashboard for everyone (docs/operations.md); with auth
  // configured, requests without an identity are refused unless anonymous access is asked for.
  const anonymous =
    e.IDEMSCOPE_ANONYMOUS_ROLE === ""
      ? demo
        ? "operator"
        : authConfigured
          ? "none"
          : "viewer"
      : e.IDEMSCOPE_ANONYMOUS_ROLE;
  if (anonymous === "operator" && !demo) {
    throw new AuthConfigError(
      "IDEMSCOPE_ANONYMOUS_ROLE=operator is only allowed in the local demo (IDEMSCOPE_DEMO=1)",
    );
  }
  return {
    configured: authConfigured,
    readOnly: e.IDEMSCOPE_READ_ONLY,
    tokens,
    proxyAddresses,
    proxyAddressesConfigured,
    proxySecret: e.IDEMSCOPE_AUTH_PROXY_SECRET,
    groupRoles: parseGroupRoles(e.IDEMSCOPE_AUTH_GROUP_ROLES),
    proxyDefaultRole:
      e.IDEMSCOPE_AUTH_DEFAULT_ROLE === "none" ? null : e.IDEMSCOPE_AUTH_DEFAULT_ROLE,
    anonymousRole: anonymous === "none" ? null : anonymous,
    anonymousNeedsLoopback: demo,
    origins: parseOrigins(e.IDEMSCOPE_ORIGIN),
  };
}
