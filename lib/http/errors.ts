// Maps failures to HTTP answers: bad input → 4xx with a message, an unreachable or slow
// database → 503, never a bare 500 for something the caller can act on.
import { ZodError } from "zod";
import { ConfigError } from "../config";
import { log } from "../log";
import { PoolBusyError } from "../db/pool";

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

/**
 * A query the database cancelled while the database itself is up: worth a retry, and a reason
 * for one panel to say so while the rest of its page still shows (lib/store/panel.ts).
 */
export function cancelledQueryError(err: unknown): ErrorBody | null {
  const e = err as Error & { code?: string };
  // A hot standby cancels queries that conflict with the changes it replays (SQLSTATE 40001,
  // "conflict with recovery"): nothing is wrong with the request, the next try usually passes.
  if (e?.code === "40001" && /conflict with recovery/i.test(e.message ?? ""))
    return {
      error: "replica_conflict",
      message:
        "The read replica cancelled the query while applying changes from the primary; retry in a moment.",
    };
  if (e?.code === "57014")
    return {
      error: "query_timeout",
      message: "The database did not answer within the statement timeout.",
    };
  return null;
}

export function errorResponse(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof ApiError)
    return { status: err.status, body: { error: err.code, message: err.message } };
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
