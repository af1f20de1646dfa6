// Request validation shared by the action routes and the pages that build their requests.
import { z } from "zod";
import { DomainError } from "../../core/errors";

export const reasonSchema = z
  .string({ error: "a reason is required (1–500 characters)" })
  .trim()
  .min(1, "a reason is required (1–500 characters)")
  .max(500, "at most 500 characters");

export const keyActionBody = z.strictObject({ reason: reasonSchema });

const filterText = z.string().trim().min(1).max(255).optional();

export const bulkFilterSchema = z.strictObject({
  endpoint: filterText,
  scope: filterText,
  lockOwner: filterText,
  minAgeSeconds: z.number().int().min(0).max(315_360_000).optional(),
});

export const bulkBody = z.strictObject({
  action: z.enum(["release", "fail"], { error: 'action must be "release" or "fail"' }),
  filter: bulkFilterSchema.default({}),
  reason: reasonSchema,
  dryRun: z.boolean().default(false),
  /**
   * how many keys the operator confirmed (the preview's count they typed): the server changes no
   * more than that, and refuses if more would change now. Required from browser sessions.
   */
  confirmedCount: z.number().int().min(0).max(1000).optional(),
});

const MAX_BIGINT = 9223372036854775807n;
const KEY_ID_RULE = "a key id is a whole number of 64 bits";

// One check, so that BigInt() never sees a non-number (zod 4 runs every check of a chain). A
// library's keys get ids hashed from its own key (lib/contract/presets.ts): negative as often as not.
export const keyIdSchema = z
  .string()
  .refine(
    (v) =>
      /^(0|-?[1-9]\d{0,18})$/.test(v) && BigInt(v) <= MAX_BIGINT && BigInt(v) >= -MAX_BIGINT - 1n,
    KEY_ID_RULE,
  );

/** The {id} path segment of the key routes, or a 400 that says what an id is. */
export function parseKeyId(id: string): string {
  const parsed = keyIdSchema.safeParse(id);
  if (!parsed.success) {
    throw new DomainError("invalid_input", "invalid_request", `id: ${KEY_ID_RULE}`);
  }
  return parsed.data;
}
