// Typed URL state of the Audit page; anything malformed is dropped rather than sent on.
import type { AuditQuery } from "@/lib/client/queries/audit";
import type { RawSearchParams } from "../search-params";

function text(v: string | string[] | undefined, max = 255): string | undefined {
  const s = typeof v === "string" ? v.trim() : undefined;
  return s && s.length <= max ? s : undefined;
}

export function parseAuditParams(sp: RawSearchParams): AuditQuery {
  const action = text(sp.action);
  const keyId = text(sp.keyId);
  const batchId = text(sp.batchId);
  return {
    actor: text(sp.actor),
    key:
      typeof sp.key === "string" && sp.key.length > 0 && sp.key.length <= 255 ? sp.key : undefined,
    keyId: keyId && /^[1-9]\d{0,17}$/.test(keyId) ? keyId : undefined,
    action:
      action === "release" || action === "fail" || action === "reveal" || action === "reconcile"
        ? action
        : undefined,
    batchId:
      batchId && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(batchId)
        ? batchId
        : undefined,
    cursor: text(sp.cursor, 500),
  };
}
