// Who is asking, from verified sources only: a bearer token, identity headers from a trusted
// proxy, or (per configuration) anonymous access. The request body never names the actor.
import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import type { AuthConfig, Role, TokenEntry } from "../core/auth-config";
import { DomainError } from "../core/errors";
import { requestHostAllowed } from "./host";
import { isLoopback } from "./peer";

export type AuthMethod = "token" | "proxy" | "anonymous";

export type Identity = {
  /** what the audit log records as the actor */
  name: string;
  role: Role;
  method: AuthMethod;
  email: string | null;
  groups: string[];
  /**
   * true when the credential travels with every request the browser makes (proxy session,
   * anonymous access): such requests must prove their origin (CSRF).
   */
  ambient: boolean;
};

export type RequestFacts = {
  headers: { get(name: string): string | null };
  /** verified socket address of the caller, null when unknown */
  peer: string | null;
};

export const PROXY_SECRET_HEADER = "x-idemscope-proxy-secret";

/** Constant-time equality of two secrets of any length (hashing first equalizes lengths). */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

/**
 * The configured token `presented` is, if any. Every configured token is compared, so the time
 * taken says nothing about which matched (bearer auth and the metrics scrape alike).
 */
export function matchToken(presented: string, auth: AuthConfig): TokenEntry | undefined {
  let match: TokenEntry | undefined;
  for (const t of auth.tokens) if (secretsEqual(presented, t.secret) && !match) match = t;
  return match;
}

function tokenIdentity(presented: string, auth: AuthConfig): Identity {
  const match = matchToken(presented, auth);
  if (!match)
    throw new DomainError("unauthenticated", "unauthorized", "The bearer token is not valid.");
  return {
    name: `token:${match.name}`,
    role: match.role,
    method: "token",
    email: null,
    groups: [],
    ambient: false,
  };
}

function proxyTrusted(facts: RequestFacts, auth: AuthConfig): boolean {
  if (auth.proxySecret) {
    const presented = facts.headers.get(PROXY_SECRET_HEADER);
    if (presented !== null && secretsEqual(presented, auth.proxySecret)) return true;
  }
  if (!auth.proxyAddressesConfigured || !facts.peer) return false;
  const family = isIP(facts.peer);
  if (!family) return false;
  return auth.proxyAddresses.check(facts.peer, family === 6 ? "ipv6" : "ipv4");
}

function proxyIdentity(facts: RequestFacts, auth: AuthConfig): Identity | null {
  const user = facts.headers.get("x-forwarded-user")?.trim() || null;
  const email = facts.headers.get("x-forwarded-email")?.trim() || null;
  if (!user && !email) return null;
  if (!proxyTrusted(facts, auth)) return null; // headers straight from a client: ignored
  const groups = (facts.headers.get("x-forwarded-groups") ?? "")
    .split(",")
    .map((g) => g.trim())
    .filter(Boolean);
  const mapped = groups.map((g) => auth.groupRoles.get(g)).filter((r): r is Role => !!r);
  const role: Role | null = mapped.includes("operator")
    ? "operator"
    : mapped.includes("viewer")
      ? "viewer"
      : auth.proxyDefaultRole;
  const name = (user ?? email) as string;
  if (!role) {
    throw new DomainError(
      "forbidden",
      "forbidden",
      `${name} has no idemscope role (groups: ${groups.join(", ") || "none"}).`,
    );
  }
  return { name, role, method: "proxy", email, groups, ambient: true };
}

function anonymousIdentity(facts: RequestFacts, auth: AuthConfig): Identity | null {
  if (!auth.anonymousRole) return null;
  // the local user: a loopback socket and a loopback (or configured) Host — DNS rebinding and
  // forwarders give the first without the second (lib/auth/host.ts)
  const local = isLoopback(facts.peer) && requestHostAllowed(facts.headers, auth);
  const role: Role =
    auth.anonymousRole === "operator" && auth.anonymousNeedsLoopback && !local
      ? "viewer"
      : auth.anonymousRole;
  return { name: "anonymous", role, method: "anonymous", email: null, groups: [], ambient: true };
}

/**
 * The caller's identity, or null when the request carries none and anonymous access is off.
 * Throws DomainError (unauthenticated/forbidden) for a credential that is present but wrong.
 */
export function resolveIdentity(facts: RequestFacts, auth: AuthConfig): Identity | null {
  const authorization = facts.headers.get("authorization");
  if (authorization !== null) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m)
      throw new DomainError(
        "unauthenticated",
        "unauthorized",
        "Authorization must be 'Bearer <token>'.",
      );
    return tokenIdentity(m[1] as string, auth);
  }
  return proxyIdentity(facts, auth) ?? anonymousIdentity(facts, auth);
}
