// Validation of key search and intent lookups: client strings are taken literally, with the
// limits the store itself has (1–255 characters, no NUL, which PostgreSQL text cannot hold).
import { z } from "zod";
import { KEY_STATUSES } from "../../client/api-types/keys";

export const clientString = (what: string) =>
  z
    .string()
    .refine((v) => v.length > 0, `${what} must not be empty`)
    .refine((v) => [...v].length <= 255, `${what} is longer than 255 characters`)
    .refine((v) => !v.includes("\u0000"), `${what} must not contain a NUL character`);

const isoTime = z.iso
  .datetime({ offset: true, error: "must be an ISO-8601 time, e.g. 2026-11-23T02:10:00Z" })
  .transform((v) => new Date(v));

export const keySearchQuery = z
  .strictObject({
    key: clientString("key").optional(),
    prefix: clientString("prefix").optional(),
    scope: clientString("scope").optional(),
    endpoint: clientString("endpoint").optional(),
    status: z.enum(KEY_STATUSES).optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(2000).optional(),
  })
  .refine((q) => !(q.key !== undefined && q.prefix !== undefined), {
    error: "give key (exact) or prefix, not both",
  })
  .refine((q) => q.status !== "purged" || q.key !== undefined || q.prefix !== undefined, {
    error: "status=purged needs a key or prefix: purged keys are found through their events",
  })
  .refine((q) => !(q.from && q.to && q.from >= q.to), { error: "from must be before to" });

export const intentQuery = z.strictObject({
  scope: clientString("scope"),
  endpoint: clientString("endpoint"),
  key: clientString("key"),
});

export const keySearchCursor = z.union([
  z.object({
    m: z.literal("k"),
    k: z.string().max(1100),
    s: z.string().max(1100),
    e: z.string().max(1100),
  }),
  z.object({
    m: z.literal("r"),
    t: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
    // a library's key ids are hashes of its own: negative as often as not
    id: z.string().regex(/^-?\d{1,19}$/),
  }),
]);
