// Annotations: the API's parameters and bodies, and their loaders.
import "server-only";
import { z } from "zod";
import type { AnnotationComparison, AnnotationList } from "../../client/api-types/annotations";
import type { StoreContext } from "../../contract/context";
import { DomainError } from "../../core/errors";
import { compareAroundAnnotation, listAnnotations } from "../store/annotations";
import { sharedQuery } from "../store/shared-cache";

const isoTime = z.iso.datetime({
  offset: true,
  error: "must be an ISO-8601 time, e.g. 2026-11-23T02:10:00Z",
});
const DAY = 86_400_000;

export const annotationsQuerySchema = z.strictObject({
  from: isoTime.optional(),
  to: isoTime.optional(),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(500, "limit must be at most 500")
    .default(200),
});
export type AnnotationsViewQuery = z.infer<typeof annotationsQuerySchema>;

export function loadAnnotations(
  ctx: StoreContext,
  q: AnnotationsViewQuery,
): Promise<AnnotationList> {
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 90 * DAY);
  return sharedQuery(`annotations:${q.from}:${q.to}:${q.limit}`, ctx.config.cacheTtlMs, () =>
    listAnnotations(ctx, { from, to, limit: q.limit }),
  );
}

const optionalText = (what: string, max: number) =>
  z
    .string({ error: `${what} must be text` })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(max, `${what}: at most ${max} characters`)
    .refine((v) => !v.includes("\u0000"), `${what} must not contain a NUL character`)
    .optional();

export const annotationBody = z.strictObject({
  text: z
    .string({ error: 'text is required (1–500 characters), e.g. "deploy payments-api v142"' })
    .trim()
    .min(1, "text is required (1–500 characters)")
    .max(500, "text: at most 500 characters")
    .refine((v) => !v.includes("\u0000"), "text must not contain a NUL character"),
  at: isoTime.optional(),
  endpoint: optionalText("endpoint", 255),
  version: optionalText("version", 100),
});

export const WINDOWS = { "15m": 900, "1h": 3600, "6h": 21_600, "24h": 86_400 } as const;
export const compareQuerySchema = z.strictObject({
  window: z
    .enum(Object.keys(WINDOWS) as [keyof typeof WINDOWS], {
      error: `window must be one of ${Object.keys(WINDOWS).join(", ")}`,
    })
    .default("1h"),
});

export function parseAnnotationId(id: string): string {
  if (!/^[1-9]\d{0,17}$/.test(id))
    throw new DomainError(
      "invalid_input",
      "invalid_request",
      "id: an annotation id is a positive integer",
    );
  return id;
}

export function loadComparison(
  ctx: StoreContext,
  id: string,
  q: z.infer<typeof compareQuerySchema>,
): Promise<AnnotationComparison> {
  return sharedQuery(`annotation-compare:${id}:${q.window}`, ctx.config.cacheTtlMs, () =>
    compareAroundAnnotation(ctx, id, WINDOWS[q.window]),
  );
}
