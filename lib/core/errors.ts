// Errors of the domain (lib/query/store, lib/act, lib/auth) in the domain's own words: what went
// wrong and a stable code. Only lib/edge/http knows which HTTP status each kind becomes.
export type DomainErrorKind =
  "invalid_input" | "unauthenticated" | "forbidden" | "not_found" | "conflict";

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Whether `err` says that what was asked for does not exist (a page then renders its 404). */
export function isNotFound(err: unknown): boolean {
  return err instanceof DomainError && err.kind === "not_found";
}
