// Maps failures to HTTP answers: bad input → 4xx with a message, an unreachable or slow
// database → 503, never a bare 500 for something the caller can act on.
import { ZodError } from "zod";
import { ConfigError } from "../../core/config";
import { log } from "../../core/log";
import { cancelledQueryError } from "../../db/cancelled-query";
import { PoolBusyError } from "../../db/pool";
import { DomainError, type DomainErrorKind } from "../../core/errors";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type ErrorBody = { error: string; message: string };

/** The HTTP status of each kind of domain error: the one place the data layer meets HTTP. */
const STATUS_OF: Record<DomainErrorKind, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
};

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EPIPE",
  "57P01",
  "57P03",
  "08006",
  "08001",
  "08003",
]);

function isConnectionError(err: Error & { code?: string }): boolean {
  return (
    (err.code !== undefined && CONNECTION_CODES.has(err.code)) ||
    /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(
      err.message,
    )
  );
}

export function errorResponse(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof ApiError)
    return { status: err.status, body: { error: err.code, message: err.message } };
  if (err instanceof DomainError)
    return { status: STATUS_OF[err.kind], body: { error: err.code, message: err.message } };
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    const field = issue?.path.join(".");
    return {
      status: 400,
      body: {
        error: "invalid_request",
        message: field ? `${field}: ${issue?.message}` : (issue?.message ?? "invalid request"),
      },
    };
  }
  if (err instanceof ConfigError)
    return { status: 503, body: { error: "not_configured", message: err.message } };
  if (err instanceof PoolBusyError)
    return {
      status: 503,
      body: {
        error: "database_busy",
        message: `The database is up but busy: all ${err.poolSize} of idemscope's connections for this are in use by slow queries. Try again in a moment.`,
      },
    };
  const e = err as Error & { code?: string };
  const cancelled = cancelledQueryError(err);
  if (cancelled) return { status: 503, body: cancelled };
  if (e instanceof Error && isConnectionError(e)) {
    return {
      status: 503,
      body: { error: "database_unavailable", message: "The database is unreachable." },
    };
  }
  log.error({ err: e?.message, code: e?.code }, "unexpected error in API handler");
  return { status: 500, body: { error: "internal", message: "Unexpected server error." } };
}
