// Duplicate successes and reconciliation: the API's parameters and bodies, and their loaders.
import "server-only";
import { z } from "zod";
import type { DuplicateList } from "../../client/api-types/reconciliation";
import type { StoreContext } from "../../contract/context";
import { RECONCILE_OUTCOMES } from "../../contract/schema/reconciliation";
import { listDuplicates, RECONCILE_CAP } from "../store/reconciliation";
import { sharedQuery } from "../store/shared-cache";

export const duplicatesQuerySchema = z.strictObject({
  status: z
    .enum(["open", "reconciled", "all"], { error: "status must be one of open, reconciled, all" })
    .default("open"),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(500, "limit must be at most 500")
    .default(100),
  order: z
    .enum(["oldest", "newest", "amount"], { error: "order must be one of oldest, newest, amount" })
    .default("oldest"),
  client: z.string().trim().min(1).max(255).optional(),
  endpoint: z.string().trim().min(1).max(255).optional(),
  cursor: z.string().max(300).optional(),
});
export type DuplicatesViewQuery = z.infer<typeof duplicatesQuerySchema>;

export function loadDuplicates(ctx: StoreContext, q: DuplicatesViewQuery): Promise<DuplicateList> {
  const key = JSON.stringify([q.status, q.limit, q.order, q.client, q.endpoint, q.cursor]);
  return sharedQuery(`duplicates:${key}`, ctx.config.cacheTtlMs, () => listDuplicates(ctx, q));
}

const noNul = (v: string) => !v.includes("\u0000");

export const reconcileBody = z.strictObject({
  intents: z
    .array(z.guid({ error: "each intent is the id the duplicates list gives (a UUID)" }), {
      error: "intents: a list of intent ids",
    })
    .min(1, "intents: at least one")
    .max(RECONCILE_CAP, `intents: at most ${RECONCILE_CAP} at once`),
  outcome: z.enum(RECONCILE_OUTCOMES, {
    error: `outcome must be one of ${RECONCILE_OUTCOMES.join(", ")}`,
  }),
  reason: z
    .string({ error: "a reason is required (1–500 characters)" })
    .trim()
    .min(1, "a reason is required (1–500 characters)")
    .max(500, "reason: at most 500 characters")
    .refine(noNul, "reason must not contain a NUL character"),
  externalRef: z
    .string({ error: "externalRef must be text" })
    .trim()
    .min(1, "externalRef must not be empty")
    .max(200, "externalRef: at most 200 characters")
    .refine(noNul, "externalRef must not contain a NUL character")
    .optional(),
});
