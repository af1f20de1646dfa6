// The reference idempotent-request handler (docs/store-contract.md, "What the reference writer guarantees"): atomic claim through the unique
// constraint, 409 while in progress, 422 on a different payload, stored responses replayed,
// lock timeout and reclaim, business write + completion in one transaction, one event per request.
import type { Pool, PoolClient } from "pg";
import { inTransaction } from "../../db/pool";
import type { TableNames } from "../../contract/tables";
import type {
  EventKind,
  HandlerResult,
  IdempotentRequest,
  IdempotentResponse,
  WriterPolicy,
} from "./types";

export const MAX_KEY_LENGTH = 255;

type Queryable = Pick<PoolClient, "query">;

type KeyRow = {
  id: string;
  request_hash: string;
  status: "in_progress" | "completed" | "failed";
  response_code: number | null;
  response_body: unknown;
  lock_expired: boolean;
  expired: boolean;
};

/** What a claim attempt decided: run the work (as a new claim or a reclaim) or answer now. */
export type ClaimDecision =
  | { run: true; keyId: string; kind: "claimed" | "reclaimed" }
  | { run: false; response: IdempotentResponse };

type EventFields = {
  keyId: string | null;
  kind: EventKind;
  responseCode?: number | null;
  latencyMs?: number | null;
};

export async function insertEvent(
  db: Queryable,
  t: TableNames,
  req: Pick<IdempotentRequest, "scope" | "endpoint" | "requestHash" | "instance" | "traceId">,
  key: string,
  e: EventFields,
): Promise<void> {
  await db.query(
    `INSERT INTO ${t.events}
       (key_id, scope, endpoint, key, kind, request_hash, response_code, latency_ms, instance, trace_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      e.keyId,
      req.scope,
      req.endpoint,
      key,
      e.kind,
      req.requestHash,
      e.responseCode ?? null,
      e.latencyMs ?? null,
      req.instance,
      req.traceId ?? null,
    ],
  );
}

function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function validateKey(key: string | undefined): IdempotentResponse | undefined {
  if (key === undefined || key === "") {
    return {
      status: 400,
      outcome: "invalid",
      body: {
        error: "idempotency_key_missing",
        message: "This endpoint requires an Idempotency-Key header.",
      },
    };
  }
  if ([...key].length > MAX_KEY_LENGTH) {
    return {
      status: 400,
      outcome: "invalid",
      body: {
        error: "idempotency_key_too_long",
        message: `Idempotency-Key is longer than ${MAX_KEY_LENGTH} characters.`,
      },
    };
  }
  return undefined;
}

/**
 * Step 1: claim the key or answer from the store. Claims commit at once so that concurrent
 * requests see the key in progress.
 */
export async function claimOrAnswer(
  pool: Pool,
  t: TableNames,
  req: IdempotentRequest,
  policy: WriterPolicy,
): Promise<ClaimDecision> {
  const invalid = validateKey(req.key);
  if (invalid) return { run: false, response: invalid };
  const key = req.key as string;
  const start = process.hrtime.bigint();

  // A row past expires_at counts as absent even before the purger runs: it is removed (with its
  // "expired" event) and the request claims anew. Two rounds cover a concurrent removal.
  for (let round = 0; round < 3; round++) {
    const decision = await inTransaction(pool, async (c): Promise<ClaimDecision | "again"> => {
      const claimStart = process.hrtime.bigint();
      const inserted = await c.query<{ id: string }>(
        `INSERT INTO ${t.keys}
           (scope, endpoint, key, request_hash, status, recovery_point, locked_at, lock_owner,
            attempts, expires_at)
         VALUES ($1, $2, $3, $4, 'in_progress', 'started', now(), $5, 1,
                 now() + make_interval(secs => $6))
         ON CONFLICT (scope, endpoint, key) DO NOTHING
         RETURNING id`,
        [req.scope, req.endpoint, key, req.requestHash, req.instance, policy.ttlSeconds],
      );
      const claimedId = inserted.rows[0]?.id;
      if (claimedId) {
        // claim latency: the unique insert alone, as the service waits for it
        const claimMs = Number(process.hrtime.bigint() - claimStart) / 1e6;
        await insertEvent(c, t, req, key, {
          keyId: claimedId,
          kind: "claimed",
          latencyMs: claimMs,
        });
        return { run: true, keyId: claimedId, kind: "claimed" };
      }
      const found = await c.query<KeyRow>(
        `SELECT id, request_hash, status, response_code, response_body,
                (locked_at IS NULL OR locked_at < now() - make_interval(secs => $4)) AS lock_expired,
                expires_at < now() AS expired
           FROM ${t.keys} WHERE scope = $1 AND endpoint = $2 AND key = $3`,
        [req.scope, req.endpoint, key, policy.lockTimeoutSeconds],
      );
      const row = found.rows[0];
      if (!row) return "again"; // removed between our insert and select
      if (row.expired) {
        const removed = await c.query(
          `DELETE FROM ${t.keys} WHERE id = $1 AND expires_at < now()`,
          [row.id],
        );
        if (removed.rowCount) await insertEvent(c, t, req, key, { keyId: row.id, kind: "expired" });
        return "again";
      }
      return answerExisting(c, t, req, key, row, policy, start);
    });
    if (decision !== "again") return decision;
  }
  return {
    run: false,
    response: {
      status: 409,
      outcome: "conflict",
      body: { error: "conflict", message: "The key is changing concurrently; retry." },
    },
  };
}

async function answerExisting(
  c: PoolClient,
  t: TableNames,
  req: IdempotentRequest,
  key: string,
  row: KeyRow,
  policy: WriterPolicy,
  start: bigint,
): Promise<ClaimDecision> {
  const touch = `UPDATE ${t.keys} SET attempts = attempts + 1, updated_at = now() WHERE id = $1`;
  if (row.request_hash !== req.requestHash) {
    await c.query(touch, [row.id]);
    await insertEvent(c, t, req, key, { keyId: row.id, kind: "mismatch", responseCode: 422 });
    return {
      run: false,
      response: {
        status: 422,
        outcome: "mismatch",
        keyId: row.id,
        body: {
          error: "idempotency_key_reused",
          message: "This Idempotency-Key was used with a different request payload.",
        },
      },
    };
  }
  if (row.status !== "in_progress") {
    await c.query(touch, [row.id]);
    const code = row.response_code ?? 200;
    await insertEvent(c, t, req, key, {
      keyId: row.id,
      kind: "replayed",
      responseCode: code,
      latencyMs: elapsedMs(start),
    });
    return {
      run: false,
      response: { status: code, outcome: "replayed", keyId: row.id, body: row.response_body },
    };
  }
  if (row.lock_expired) {
    // Conditional on the lock still being expired at this instant: of concurrent retries, one wins.
    const reclaimed = await c.query(
      `UPDATE ${t.keys}
          SET locked_at = now(), lock_owner = $2, attempts = attempts + 1, updated_at = now()
        WHERE id = $1 AND status = 'in_progress'
          AND (locked_at IS NULL OR locked_at < now() - make_interval(secs => $3))`,
      [row.id, req.instance, policy.lockTimeoutSeconds],
    );
    if (reclaimed.rowCount) {
      await insertEvent(c, t, req, key, { keyId: row.id, kind: "reclaimed" });
      return { run: true, keyId: row.id, kind: "reclaimed" };
    }
  }
  await c.query(touch, [row.id]);
  await insertEvent(c, t, req, key, { keyId: row.id, kind: "conflict", responseCode: 409 });
  return {
    run: false,
    response: {
      status: 409,
      outcome: "conflict",
      keyId: row.id,
      body: {
        error: "request_in_progress",
        message: "A request with this Idempotency-Key is still in progress.",
      },
    },
  };
}

/**
 * Step 2: run the work and complete the key in one transaction. The completion is fenced on
 * lock_owner: a worker whose lock was reclaimed meanwhile rolls its business write back.
 */
export async function executeClaimed(
  pool: Pool,
  t: TableNames,
  req: IdempotentRequest,
  keyId: string,
  policy: WriterPolicy,
  work: (tx: PoolClient) => Promise<HandlerResult>,
): Promise<IdempotentResponse> {
  const key = req.key as string;
  const start = process.hrtime.bigint();
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    const status = result.status >= 200 && result.status < 300 ? "completed" : "failed";
    const fenced = policy.effect !== "external";
    const done = await client.query(
      `UPDATE ${t.keys}
          SET status = $2, response_code = $3, response_body = $4::jsonb, completed_at = now(),
              updated_at = now(), locked_at = NULL, lock_owner = NULL, recovery_point = 'finished'
        WHERE id = $1 ${fenced ? "AND status = 'in_progress' AND lock_owner = $5" : ""}`,
      fenced
        ? [keyId, status, result.status, JSON.stringify(result.body ?? null), req.instance]
        : [keyId, status, result.status, JSON.stringify(result.body ?? null)],
    );
    if (!done.rowCount) {
      await client.query("ROLLBACK");
      return {
        status: 409,
        outcome: "lock_lost",
        keyId,
        body: {
          error: "lock_lost",
          message: "Another instance took over this request; retry to get its result.",
        },
      };
    }
    await insertEvent(client, t, req, key, {
      keyId,
      kind: status,
      responseCode: result.status,
      latencyMs: elapsedMs(start),
    });
    await client.query("COMMIT");
    return { ...result, outcome: "executed", keyId };
  } catch {
    await client.query("ROLLBACK").catch(() => undefined);
    // Unlock so that the client's retry reclaims at once instead of waiting out the lock.
    await pool
      .query(
        `UPDATE ${t.keys} SET locked_at = NULL, lock_owner = NULL, updated_at = now()
          WHERE id = $1 AND status = 'in_progress' AND lock_owner = $2`,
        [keyId, req.instance],
      )
      .catch(() => undefined);
    return {
      status: 500,
      outcome: "error",
      keyId,
      body: {
        error: "internal",
        message: "The request failed; it is safe to retry with the same key.",
      },
    };
  } finally {
    client.release();
  }
}

/** Records multi-step progress outside the business transaction, so it survives a crash. */
export async function recordRecoveryPoint(
  pool: Pool,
  t: TableNames,
  keyId: string,
  point: string,
): Promise<void> {
  await pool.query(`UPDATE ${t.keys} SET recovery_point = $2, updated_at = now() WHERE id = $1`, [
    keyId,
    point,
  ]);
}

/** Makes `work` idempotent: claim or answer, then run and complete. */
export async function handleIdempotent(
  pool: Pool,
  t: TableNames,
  req: IdempotentRequest,
  policy: WriterPolicy,
  work: (tx: PoolClient) => Promise<HandlerResult>,
): Promise<IdempotentResponse> {
  const decision = await claimOrAnswer(pool, t, req, policy);
  if (!decision.run) return decision.response;
  return executeClaimed(pool, t, req, decision.keyId, policy, work);
}
