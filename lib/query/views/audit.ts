// The Audit view: its API parameters and its loader.
import "server-only";
import { z } from "zod";
import type { AuditPage } from "../../client/api-types/actions";
import { decodeCursor, timeIdCursor } from "../../core/cursor";
import type { StoreContext } from "../../contract/context";
import { keyIdSchema } from "../params/action-schemas";
import { listAudit } from "../store/audit";
import { sharedQuery } from "../store/shared-cache";

export const auditQuerySchema = z.strictObject({
  actor: z.string().trim().min(1).max(255).optional(),
  key: z.string().min(1).max(255).optional(),
  keyId: keyIdSchema.optional(),
  action: z.enum(["release", "fail", "reveal", "reconcile"]).optional(),
  batchId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});
export type AuditViewQuery = z.infer<typeof auditQuerySchema>;
const cursorSchema = timeIdCursor("at");

export function loadAudit(ctx: StoreContext, q: AuditViewQuery): Promise<AuditPage> {
  const cursor = q.cursor ? decodeCursor(q.cursor, cursorSchema) : undefined;
  return sharedQuery(`audit:${JSON.stringify(q)}`, ctx.config.cacheTtlMs, () =>
    listAudit(ctx, q, { limit: q.limit, cursor }),
  );
}
