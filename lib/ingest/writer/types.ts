// Shapes shared by the reference writer and its callers.
export type EventKind =
  | "claimed"
  | "completed"
  | "failed"
  | "replayed"
  | "conflict"
  | "mismatch"
  | "reclaimed"
  | "released"
  | "failed_manually"
  | "expired";

export type IdempotentRequest = {
  /** the client / tenant the key belongs to */
  scope: string;
  /** e.g. "POST /v1/payments" */
  endpoint: string;
  /** the Idempotency-Key header; undefined when absent */
  key: string | undefined;
  /** fingerprint of the canonical request (see fingerprint.ts) */
  requestHash: string;
  /** the instance serving the request, stored as lock_owner and on events */
  instance: string;
  traceId?: string;
};

export type WriterPolicy = {
  lockTimeoutSeconds: number;
  ttlSeconds: number;
  /**
   * "transactional" (default): the business write commits with the key's completion, so a
   * worker whose lock was reclaimed rolls back. "external": the effect happens outside the
   * database (a call to a payment provider), so a fenced-out worker's effect already
   * happened and is recorded truthfully — this is how lock reclaims cause duplicate successes.
   */
  effect?: "transactional" | "external";
};

export type HandlerResult = { status: number; body: unknown };

export type IdempotentResponse = HandlerResult & {
  /** how the writer answered: ran the work, replayed, or refused */
  outcome: "executed" | "replayed" | "conflict" | "mismatch" | "invalid" | "lock_lost" | "error";
  keyId?: string;
};
