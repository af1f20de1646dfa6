// The one permission check every mutation runs, in the data layer, whatever route or page
// called it: role from the verified identity, and the global read-only switch.
import type { AuthConfig } from "../core/auth-config";
import type { Identity } from "./identity";
import { DomainError } from "../core/errors";

export type Operator = Identity & { role: "operator" };

export type WriteAccess = { allowed: true } | { allowed: false; code: string; reason: string };

export function writeAccess(actor: Identity | null, auth: AuthConfig): WriteAccess {
  if (auth.readOnly)
    return {
      allowed: false,
      code: "read_only",
      reason: "idemscope is in read-only mode (IDEMSCOPE_READ_ONLY): every change is disabled.",
    };
  if (!actor) return { allowed: false, code: "unauthorized", reason: "Sign in to make changes." };
  if (actor.role !== "operator")
    return {
      allowed: false,
      code: "forbidden",
      reason: `${actor.name} has the ${actor.role} role; releasing, failing and revealing need the operator role.`,
    };
  return { allowed: true };
}

/** Throws 401/403 unless `actor` may change the store now. */
export function assertOperator(
  actor: Identity | null,
  auth: AuthConfig,
): asserts actor is Operator {
  const access = writeAccess(actor, auth);
  if (!access.allowed) {
    throw new DomainError(
      access.code === "unauthorized" ? "unauthenticated" : "forbidden",
      access.code,
      access.reason,
    );
  }
}
