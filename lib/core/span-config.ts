// Span capture's configuration (docs/store-contract.md, "Capture modes"; README): the bearer token
// the OTLP receiver requires, which span attributes carry the idempotency key, the replay marker
// and the client, the statuses of a conflict and a mismatch, the sampling ratio when the team
// knows it, and the receiver's limits.
import { z } from "zod";

const attributeList = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) =>
      (v || fallback)
        .split(",")
        .map((a) => a.trim())
        .filter(Boolean),
    )
    .refine((list) => list.length > 0 && list.every((a) => a.length <= 200), {
      message: "must be a comma-separated list of span attribute names",
    });

const status = (fallback: number) =>
  z.coerce.number().int().min(100).max(599).optional().default(fallback);

export const spanEnvSchema = {
  IDEMSCOPE_OTLP_TOKEN: z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || v.length >= 16, "must be at least 16 characters"),
  IDEMSCOPE_SPAN_KEY_ATTRIBUTES: attributeList(
    "http.request.header.idempotency-key,http.request.header.idempotency_key",
  ),
  IDEMSCOPE_SPAN_REPLAY_ATTRIBUTES: attributeList(
    "http.response.header.idempotent-replayed,http.response.header.idempotent_replayed",
  ),
  IDEMSCOPE_SPAN_SCOPE_ATTRIBUTES: attributeList("enduser.id"),
  IDEMSCOPE_SPAN_CONFLICT_STATUS: status(409),
  IDEMSCOPE_SPAN_MISMATCH_STATUS: status(422),
  IDEMSCOPE_SPAN_SAMPLING_RATIO: z.coerce
    .number()
    .gt(0, "must be a ratio in (0, 1]")
    .max(1, "must be a ratio in (0, 1]")
    .optional(),
  IDEMSCOPE_SPAN_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 2 ** 20)
    .default(4 * 2 ** 20),
  IDEMSCOPE_SPAN_MAX_ENDPOINTS: z.coerce.number().int().min(1).max(10_000).default(200),
};

type SpanEnv = z.output<z.ZodObject<typeof spanEnvSchema>>;

export type SpanConfig = {
  /** bearer token of POST /v1/traces; without it the receiver answers 404 */
  token: string | undefined;
  keyAttributes: string[];
  replayAttributes: string[];
  scopeAttributes: string[];
  conflictStatus: number;
  mismatchStatus: number;
  /** the services' sampling ratio, when the team knows it (shown beside span-derived numbers) */
  samplingRatio: number | undefined;
  /** largest request body accepted, compressed and decompressed alike (it bounds the decoding) */
  maxBodyBytes: number;
  /** distinct endpoints spans may add; beyond, a span's endpoint is "METHOD (other)" */
  maxEndpoints: number;
};

export function spanConfigOf(e: SpanEnv): SpanConfig {
  return {
    token: e.IDEMSCOPE_OTLP_TOKEN,
    keyAttributes: e.IDEMSCOPE_SPAN_KEY_ATTRIBUTES,
    replayAttributes: e.IDEMSCOPE_SPAN_REPLAY_ATTRIBUTES,
    scopeAttributes: e.IDEMSCOPE_SPAN_SCOPE_ATTRIBUTES,
    conflictStatus: e.IDEMSCOPE_SPAN_CONFLICT_STATUS,
    mismatchStatus: e.IDEMSCOPE_SPAN_MISMATCH_STATUS,
    samplingRatio: e.IDEMSCOPE_SPAN_SAMPLING_RATIO,
    maxBodyBytes: e.IDEMSCOPE_SPAN_MAX_BODY_BYTES,
    maxEndpoints: e.IDEMSCOPE_SPAN_MAX_ENDPOINTS,
  };
}
