// One intent's whole story (docs/operations.md, "Tracing one key"): its row (if still there), every event in time order,
// the operator actions on it, and why it succeeded twice if it did. Works from events alone
// for a purged key. The stored response body never leaves here, and what viewers see of it and of
// the request is keyed (lib/query/store/fingerprints.ts): a rounded size and an HMAC, never a plain hash.
import "server-only";
import { NOT_VISIBLE_WITHOUT_STORE } from "../../contract/preset-spans-only";
import type { Queryable, StoreContext } from "../../contract/context";
import type { Config } from "../../core/config";
import { lockTimeoutSeconds } from "../../core/config";
import type { AuditEntry } from "../../client/api-types/actions";
import type { KeyLifecycle, LifecycleEvent, LifecycleKey } from "../../client/api-types/keys";
import { DomainError } from "../../core/errors";
import { explainDuplicate } from "../../client/explain-duplicate";
import { approximateBytes, fingerprintKey, keyedFingerprint } from "./fingerprints";
import { duplicateOfIntent } from "./reconciliation";
import type { TableNames } from "../../contract/tables";

export const MAX_LIFECYCLE_EVENTS = 1000;

export type IntentRef = { id: string } | { scope: string; endpoint: string; key: string };
type Intent = { scope: string; endpoint: string; key: string };

type KeyRow = Omit<LifecycleKey, "lockTimeoutSeconds" | "stuck" | "response"> & {
  responseBytes: number | null;
  responseSha256: string | null;
};

const KEY_COLUMNS = `k.id::text AS id, k.scope, k.endpoint, k.key, k.status, k.request_hash AS "requestHash",
  k.recovery_point AS "recoveryPoint", k.locked_at AS "lockedAt", k.lock_owner AS "lockOwner",
  k.response_code AS "responseCode", octet_length(k.response_body::text) AS "responseBytes",
  encode(sha256(convert_to(k.response_body::text, 'UTF8')), 'hex') AS "responseSha256",
  k.attempts, k.created_at AS "createdAt", k.updated_at AS "updatedAt", k.completed_at AS "completedAt",
  k.expires_at AS "expiresAt",
  extract(epoch FROM k.expires_at - now())::float8 AS "ttlLeftSeconds",
  extract(epoch FROM now() - coalesce(k.locked_at, k.updated_at))::float8 AS "ageSeconds"`;

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : (d as string | null));

function toKey(r: KeyRow, cfg: Config, fpKey: string, presetSeconds?: number): LifecycleKey {
  const timeout = lockTimeoutSeconds(r.endpoint, cfg, presetSeconds);
  const { responseBytes, responseSha256, ...rest } = r;
  return {
    ...rest,
    requestHash: keyedFingerprint(fpKey, "request", r.requestHash),
    lockedAt: iso(r.lockedAt),
    createdAt: iso(r.createdAt) as string,
    updatedAt: iso(r.updatedAt) as string,
    completedAt: iso(r.completedAt),
    expiresAt: iso(r.expiresAt) as string,
    response:
      responseBytes === null || responseSha256 === null
        ? null
        : {
            approxBytes: approximateBytes(responseBytes),
            fingerprint: keyedFingerprint(fpKey, "response", responseSha256),
          },
    lockTimeoutSeconds: timeout,
    stuck: r.status === "in_progress" && r.ageSeconds > timeout,
  };
}

async function findKey(db: Queryable, t: TableNames, ref: IntentRef): Promise<KeyRow | null> {
  const r =
    "id" in ref
      ? await db.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM ${t.keys} k WHERE k.id = $1`, [ref.id])
      : await db.query<KeyRow>(
          // in byte order, which the search index serves (the contract's, or a library's), and
          // again in the columns' own collation, which adds no condition (byte-equal strings are
          // equal in any collation) but lets a library's own unique index serve it when there is
          // no search index (stripe-style's (user_id, idempotency_key): 40 ms at 10 M rows, where
          // byte order alone read the whole table)
          `SELECT ${KEY_COLUMNS} FROM ${t.keys} k
            WHERE k.key COLLATE "C" = $3 COLLATE "C" AND k.scope COLLATE "C" = $1 COLLATE "C"
              AND k.endpoint COLLATE "C" = $2 COLLATE "C"
              AND k.key = $3 AND k.scope = $1 AND k.endpoint = $2`,
          [ref.scope, ref.endpoint, ref.key],
        );
  return r.rows[0] ?? null;
}

/** A purged key's intent, from any event that carried its id. */
async function intentOfPurgedId(db: Queryable, t: TableNames, id: string): Promise<Intent | null> {
  const r = await db.query<Intent>(
    `SELECT scope, endpoint, key FROM ${t.events} WHERE key_id = $1 LIMIT 1`,
    [id],
  );
  return r.rows[0] ?? null;
}

async function listEvents(
  db: Queryable,
  t: TableNames,
  intent: Intent,
  traceTemplate: string | undefined,
  fpKey: string,
): Promise<{ events: LifecycleEvent[]; truncated: boolean }> {
  const r = await db.query<Omit<LifecycleEvent, "traceUrl" | "at"> & { at: Date }>(
    `SELECT id::text, at, kind, key_id::text AS "keyId", request_hash AS "requestHash",
            response_code AS "responseCode", latency_ms AS "latencyMs", instance, trace_id AS "traceId"
       FROM ${t.events}
      WHERE scope = $1 AND endpoint = $2 AND key = $3
      ORDER BY at, id
      LIMIT $4`,
    [intent.scope, intent.endpoint, intent.key, MAX_LIFECYCLE_EVENTS + 1],
  );
  const events = r.rows.slice(0, MAX_LIFECYCLE_EVENTS).map((e) => ({
    ...e,
    at: e.at.toISOString(),
    requestHash: e.requestHash === null ? null : keyedFingerprint(fpKey, "request", e.requestHash),
    traceUrl: traceUrlOf(traceTemplate, e.traceId),
  }));
  return { events, truncated: r.rows.length > MAX_LIFECYCLE_EVENTS };
}

/** IDEMSCOPE_TRACE_URL filled with the trace id; null without either. */
export function traceUrlOf(template: string | undefined, traceId: string | null): string | null {
  return template && traceId ? template.replaceAll("{traceId}", encodeURIComponent(traceId)) : null;
}

async function listIntentAudit(
  db: Queryable,
  t: TableNames,
  intent: Intent,
): Promise<AuditEntry[]> {
  const r = await db.query<Omit<AuditEntry, "at"> & { at: Date }>(
    `SELECT id::text, at, actor, actor_role AS "actorRole", auth_method AS "authMethod", action,
            key_id::text AS "keyId", scope, endpoint, key, reason, before, after, batch_id::text AS "batchId"
       FROM ${t.ownTable("audit_log")}
      WHERE key = $3 AND scope = $1 AND endpoint = $2
      ORDER BY at, id
      LIMIT 500`,
    [intent.scope, intent.endpoint, intent.key],
  );
  return r.rows.map((a) => ({ ...a, at: a.at.toISOString() }));
}

/** The outcome of the intent's newest execution (spans only: its status), however many events. */
async function lastOutcomeOf(
  db: Queryable,
  t: TableNames,
  intent: Intent,
): Promise<KeyLifecycle["lastOutcome"]> {
  const r = await db.query<{ kind: "completed" | "failed" }>(
    `SELECT kind FROM ${t.events}
      WHERE scope = $1 AND endpoint = $2 AND key = $3 AND kind IN ('completed', 'failed')
      ORDER BY at DESC LIMIT 1`,
    [intent.scope, intent.endpoint, intent.key],
  );
  return r.rows[0]?.kind ?? "in_progress";
}

export async function getKeyLifecycle(ctx: StoreContext, ref: IntentRef): Promise<KeyLifecycle> {
  const { db, tables: t, config: cfg } = ctx;
  const [row, fpKey] = await Promise.all([findKey(db, t, ref), fingerprintKey(ctx)]);
  const intent: Intent | null = row
    ? { scope: row.scope, endpoint: row.endpoint, key: row.key }
    : "id" in ref
      ? await intentOfPurgedId(db, t, ref.id)
      : ref;
  if (!intent)
    throw new DomainError(
      "not_found",
      "not_found",
      `No key with id ${(ref as { id: string }).id}.`,
    );
  const [{ events, truncated }, audit, duplicateRecord, lastOutcome] = await Promise.all([
    listEvents(db, t, intent, cfg.traceUrlTemplate, fpKey),
    listIntentAudit(db, t, intent),
    duplicateOfIntent(db, t, intent),
    t.source.capture.readsStore ? null : lastOutcomeOf(db, t, intent),
  ]);
  if (!row && events.length === 0) {
    throw new DomainError(
      "not_found",
      "not_found",
      "No key and no event for this client, endpoint and key.",
    );
  }
  return {
    intent,
    key: row ? toKey(row, cfg, fpKey, ctx.tables.source.preset.lockTimeoutSeconds) : null,
    events,
    eventsTruncated: truncated,
    audit,
    duplicate: explainDuplicate(events, audit, t.source.capture.readsStore),
    duplicateRecord,
    traceUrlConfigured: Boolean(cfg.traceUrlTemplate),
    capturedSince: t.source.capture.mapped ? t.source.installedAt : null,
    storeNotRead: t.source.capture.readsStore ? null : NOT_VISIBLE_WITHOUT_STORE,
    lastOutcome,
    importedBefore: t.source.importsHistory ? t.source.installedAt : null,
  };
}
