// Release and fail (docs/operations.md): a conditional update that only touches a key still stuck at
// that instant on the database clock, written in one statement with its event row and its audit
// row, so that a change never exists without its audit row or the other way round.
import "server-only";
import type { StoreContext, WriteContext } from "../contract/context";
import { identifier, keyword, sql, toQuery, type SqlFragment } from "../db/sql";
import { randomUUID } from "node:crypto";
import type { PoolClient } from "pg";
import { assertOperator } from "../auth/authorize";
import type { Identity } from "../auth/identity";
import {
  BULK_CAP,
  type BulkFilter,
  type BulkResult,
  type KeyAction,
  type KeyActionResult,
  type KeyState,
} from "../client/api-types/actions";
import { DomainError } from "../core/errors";
import { inTransaction } from "../db/pool";
import { countStuckKeys } from "../query/store/stuck";
import { liveStuckFrom, whereStuck } from "../contract/stuck";
import { FAILED_RESPONSE } from "../contract/failed-response";
import type { SourceBinding } from "../contract/source-binding";
import {
  actionSetList,
  markOperatorChange,
  OPERATOR_MARKS_TABLE,
} from "../ingest/sources/capture-sql";
import { derivedSelectList } from "../ingest/sources/derived-sql";
import { keptActionCtes, keptShareLock } from "../ingest/sources/kept-state";
import { preimageActionCte } from "../ingest/sources/history-preimages";
import { derivation, type Preset } from "../contract/preset";

export { FAILED_RESPONSE };

const stateJson = (alias: "b" | "k") => {
  const a = keyword(alias);
  return sql`jsonb_build_object(
  'status', ${a}.status, 'lockedAt', ${a}.locked_at, 'lockOwner', ${a}.lock_owner,
  'recoveryPoint', ${a}.recovery_point, 'attempts', ${a}.attempts,
  'responseCode', ${a}.response_code, 'updatedAt', ${a}.updated_at)`;
};

type ChangeTarget = {
  id: string | null;
  filter: BulkFilter;
  limit: number;
  lockMode: "wait" | "skip";
};

// One statement: pick the keys still stuck at this instant, change them, and append their event
// and audit rows, so that none exists without the others.
function changeStatement(
  ctx: StoreContext,
  input: ActionInput & { actor: Identity },
  target: ChangeTarget,
  batchId: string | null,
): SqlFragment {
  const { tables: t } = ctx;
  const fail = sql`${input.action}::text = 'fail'`;
  return sql`
    WITH target AS (
      SELECT k.id, k.status, k.locked_at, k.lock_owner, k.recovery_point, k.attempts,
             k.response_code, k.updated_at, k.scope, k.endpoint, k.key, k.request_hash,
             k.created_at, k.completed_at
        ${liveStuckFrom(ctx)}
       WHERE ${whereStuck(ctx, target.filter)}
         AND (${target.id}::bigint IS NULL OR k.id = ${target.id}::bigint)
       ORDER BY coalesce(k.locked_at, k.updated_at), k.id
       LIMIT ${target.limit}
       FOR UPDATE OF k${target.lockMode === "skip" ? sql` SKIP LOCKED` : sql``}
    ), changed AS (
      ${layoutChange(ctx.tables.source, input.action)}
    )${keptFollows(ctx, input.action)}, event AS (
      INSERT INTO ${identifier(t.events)} (key_id, scope, endpoint, key, kind, request_hash, response_code, instance)
      SELECT id, scope, endpoint, key,
             CASE WHEN ${fail} THEN 'failed_manually' ELSE 'released' END,
             request_hash, CASE WHEN ${fail} THEN 500 END, 'idemscope'
        FROM changed
    ), audit AS (
      INSERT INTO ${identifier(t.ownTable("audit_log"))}
        (actor, actor_role, auth_method, action, key_id, scope, endpoint, key, reason, before, after, batch_id)
      SELECT ${input.actor.name}, ${input.actor.role}, ${input.actor.method}, ${input.action}::text,
             id, scope, endpoint, key, ${input.reason}, before, after, ${batchId}::uuid
        FROM changed
      RETURNING id, key_id
    )
    SELECT c.id::text AS id, c.scope, c.endpoint, c.key, c.status, c.locked_at, c.lock_owner,
           c.recovery_point, c.attempts, c.response_code, c.updated_at, a.id::text AS audit_id
      FROM changed c JOIN audit a ON a.key_id = c.id`;
}

// A library's keys in progress are a copy capture keeps, and capture leaves the operator's own
// changes out: the statement that changes the keys updates the copy too, and records the keys'
// state before it for the import of the table's history.
function keptFollows(ctx: StoreContext, action: KeyAction): SqlFragment {
  const t = ctx.tables;
  if (t.openKeys === t.keys) return sql``;
  const deleted = t.source.preset.actions[action].kind === "delete";
  return sql`${keyword(keptActionCtes(t, deleted) + preimageActionCte(t.source, t))}`;
}

// The layout's own release/fail statement on its table (lib/contract/presets.ts: the contract's
// changes its columns in place), the changed rows derived in the contract's columns for the
// event and audit rows.
function layoutChange(source: SourceBinding, action: KeyAction): SqlFragment {
  const a = source.preset.actions[action];
  if (a.kind === "unavailable")
    throw new DomainError(
      "conflict",
      "action_unavailable",
      `${action} is not available for the ${source.preset.name} layout: ${a.reason}`,
    );
  const id = keyword(`(${derivation(source.preset, "id")})`);
  const cols = keyword(derivedSelectList(source.preset));
  const after =
    a.kind === "delete" ? keyword("NULL::jsonb") : keyword(derivedStateJson(source.preset));
  const before = stateJson("b");
  if (a.kind === "delete")
    return sql`DELETE FROM ${identifier(source.base)} AS r USING target b WHERE ${id} = b.id
      RETURNING ${cols}, ${before} AS before, ${after} AS after`;
  return sql`UPDATE ${identifier(source.base)} AS r SET ${keyword(actionSetList(source.preset, a.set))}
      FROM target b WHERE ${id} = b.id
      RETURNING ${cols}, ${before} AS before, ${after} AS after`;
}

/** stateJson over a preset's derivations of the changed row (alias r). */
function derivedStateJson(preset: Preset): string {
  const d = (c: Parameters<typeof derivation>[1]) => `(${derivation(preset, c)})`;
  return `jsonb_build_object('status', ${d("status")}, 'lockedAt', ${d("locked_at")},
    'lockOwner', ${d("lock_owner")}, 'recoveryPoint', ${d("recovery_point")},
    'attempts', ${d("attempts")}, 'responseCode', ${d("response_code")}, 'updatedAt', ${d("updated_at")})`;
}

type ChangedRow = {
  id: string;
  scope: string;
  endpoint: string;
  key: string;
  status: KeyState["status"];
  locked_at: Date | null;
  lock_owner: string | null;
  recovery_point: string | null;
  attempts: number;
  response_code: number | null;
  updated_at: Date;
  audit_id: string;
};

function toKeyState(r: Omit<ChangedRow, "audit_id">): KeyState {
  return {
    id: r.id,
    scope: r.scope,
    endpoint: r.endpoint,
    key: r.key,
    status: r.status,
    lockedAt: r.locked_at?.toISOString() ?? null,
    lockOwner: r.lock_owner,
    recoveryPoint: r.recovery_point,
    attempts: r.attempts,
    responseCode: r.response_code,
    updatedAt: r.updated_at.toISOString(),
  };
}

type ActionInput = { action: KeyAction; reason: string; actor: Identity | null };

async function runChange(
  ctx: StoreContext<PoolClient>,
  input: ActionInput & { actor: Identity },
  target: ChangeTarget,
  batchId: string | null,
): Promise<ChangedRow[]> {
  // the capture skips this change: the statement writes its own event, and follows it into the
  // kept state, which a fill must not be reading meanwhile
  if (ctx.tables.kept) await ctx.db.query(keptShareLock(ctx.tables));
  if (ctx.tables.source.capture.mapped)
    await markOperatorChange(ctx.db, ctx.tables.ownTable(OPERATOR_MARKS_TABLE));
  const r = await ctx.db.query<ChangedRow>(toQuery(changeStatement(ctx, input, target, batchId)));
  return r.rows;
}

/** Release or fail one key. 404 when it does not exist, 409 not_stuck when it is no longer stuck. */
export async function actOnKey(
  ctx: WriteContext,
  input: ActionInput & { id: string },
): Promise<KeyActionResult> {
  const { db: pool, tables: t, config: cfg } = ctx;
  const actor = input.actor;
  assertOperator(actor, cfg.auth);
  return inTransaction(pool, async (c) => {
    // A writer finishing this very key holds its row lock: wait briefly, never for long.
    await c.query("SET LOCAL lock_timeout = '2s'");
    const rows = await runChange(
      { ...ctx, db: c },
      { ...input, actor },
      { id: input.id, filter: {}, limit: 1, lockMode: "wait" },
      null,
    ).catch((err: Error & { code?: string }) => {
      if (err.code === "55P03")
        throw new DomainError(
          "conflict",
          "key_busy",
          "A writer holds this key right now; nothing was changed. Try again.",
        );
      throw err;
    });
    const changed = rows[0];
    if (changed) {
      const { audit_id, ...state } = changed;
      return { key: toKeyState(state), auditId: audit_id };
    }
    const now = await c.query<{ status: string }>(`SELECT status FROM ${t.keys} WHERE id = $1`, [
      input.id,
    ]);
    const status = now.rows[0]?.status;
    if (!status) throw new DomainError("not_found", "not_found", `No key with id ${input.id}.`);
    throw new DomainError(
      "conflict",
      "not_stuck",
      status === "in_progress"
        ? "The key is no longer stuck (its worker is active again, or it was just released); nothing was changed."
        : `The key is no longer stuck (it is ${status} now); nothing was changed.`,
    );
  });
}

/**
 * Release or fail every stuck key matching `filter`, at most BULK_CAP, skipping locked ones, and
 * never more than the operator confirmed (`confirmedCount`, required from browser sessions).
 */
export async function actOnStuckKeys(
  ctx: WriteContext,
  input: ActionInput & { filter: BulkFilter; dryRun: boolean; confirmedCount?: number },
): Promise<BulkResult> {
  const { db: pool, config: cfg } = ctx;
  const actor = input.actor;
  assertOperator(actor, cfg.auth);
  const confirmed = input.confirmedCount;
  if (!input.dryRun && confirmed === undefined && actor.ambient) {
    throw new DomainError(
      "invalid_input",
      "invalid_request",
      "confirmedCount: send the number of keys the operator confirmed (preview first).",
    );
  }
  const base = { action: input.action, dryRun: input.dryRun, cap: BULK_CAP };
  if (input.dryRun) {
    const matched = await countStuckKeys(ctx, input.filter);
    return {
      ...base,
      matched,
      changed: 0,
      wouldChange: Math.min(matched, BULK_CAP),
      skippedLocked: 0,
      batchId: null,
    };
  }
  const batchId = randomUUID();
  return inTransaction(pool, async (c) => {
    const matched = await countStuckKeys({ ...ctx, db: c }, input.filter);
    const wouldChange = Math.min(matched, BULK_CAP);
    if (confirmed !== undefined && wouldChange > confirmed) {
      throw new DomainError(
        "conflict",
        "count_changed",
        `${wouldChange} keys would change now, more than the ${confirmed} confirmed; nothing was changed. Preview again.`,
      );
    }
    // the limit holds even if keys become stuck between the count and the change
    const rows = await runChange(
      { ...ctx, db: c },
      { ...input, actor },
      {
        id: null,
        filter: input.filter,
        limit: Math.min(BULK_CAP, confirmed ?? BULK_CAP),
        lockMode: "skip",
      },
      batchId,
    );
    return {
      ...base,
      matched,
      changed: rows.length,
      wouldChange,
      skippedLocked: Math.max(0, wouldChange - rows.length),
      batchId: rows.length > 0 ? batchId : null,
    };
  });
}
