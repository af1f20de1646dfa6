/** What a client retrying a failed key is told from then on (every layout stores this body). */
export const FAILED_RESPONSE = {
  error: "request_failed",
  message:
    "This request was stopped by an operator and will not run again. Use a new Idempotency-Key to retry it.",
};
