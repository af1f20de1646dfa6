// Queries PostgreSQL cancelled while the database itself is up (a statement timeout, a replica
// conflict): worth a retry, and a reason for one panel to say so while its page still shows.
// The data layer reads it (lib/query/store/panel.ts); lib/edge/http answers it as a 503.

export type CancelledQuery = { error: string; message: string };

/**
 * A query the database cancelled while the database itself is up: worth a retry, and a reason
 * for one panel to say so while the rest of its page still shows (lib/query/store/panel.ts).
 */
export function cancelledQueryError(err: unknown): CancelledQuery | null {
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
