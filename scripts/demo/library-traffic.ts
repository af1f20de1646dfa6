// The demo's fault simulator for a preset's table (`npm run demo -- --preset NAME`): the same
// real-world faults as the contract demo (dropped responses retried, concurrent doubles, crashed
// workers, reclaims after the lock timeout, reused keys with another payload, late retries after
// expiry) driven through a writer that issues that library's own statements (./writers).
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Pool } from "pg";
import { markOperatorChange } from "../../lib/ingest/sources/capture-sql";
import type { Preset } from "../../lib/contract/preset";
import { deliver } from "./writers/masstransit-inbox";
import { medusaRequest } from "./writers/medusa-v1";
import { clearExpiredExecutions, MEDUSA_V2_LOCK_SECONDS, medusaV2Run } from "./writers/medusa-v2";
import { MEDUSA_V2_FINISHED_STATES } from "../../lib/contract/preset-medusa-v2";
import { nodeIdempotentRequest, purgeExpired } from "./writers/node-idempotency";
import { postRide, reap } from "./writers/stripe-style";

export type Intent = { client: number; key: string; amount: number };
type Outcome = string;

/** One library's writer behind the simulator's fault mix. */
export type LibraryClient = {
  request: (i: Intent, options: { crash?: boolean; amount?: number }) => Promise<Outcome>;
  lockTimeoutSeconds: number;
  /** after this long a key is purged (the demo's short TTL) and a late retry runs again */
  ttlSeconds: number | null;
  purge: () => Promise<void>;
  /**
   * Time travel for the scenario test (idemscope's capture skips these writes): the intent's
   * lock becomes older than the lock timeout; its key expires (and is purged where the library
   * purges). Null where the library has no such notion.
   */
  ageLock: ((i: Intent) => Promise<void>) | null;
  expire: ((i: Intent) => Promise<void>) | null;
};

/** Writes that are not the library's (the scenario's clock): capture skips them. */
async function uncaptured(
  pool: Pool,
  marks: string,
  statement: string,
  values: unknown[],
): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query("BEGIN");
    await markOperatorChange(c, marks);
    await c.query(statement, values);
    await c.query("COMMIT");
  } catch (err) {
    await c.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}

/** Demo TTL: short enough that late retries after expiry happen while you watch. */
export const DEMO_TTL_SECONDS = 300;
const CONSUMERS = [randomUUID(), randomUUID(), randomUUID()];

export function libraryClient(
  pool: Pool,
  preset: Preset,
  table: string,
  schema: string,
  /** idemscope's operator_marks table: the scenario's clock writes are marked as not the library's */
  marks: string,
): LibraryClient {
  switch (preset.name) {
    case "stripe-style":
      return {
        request: (i, o) =>
          postRide(pool, table, {
            userId: i.client,
            key: i.key,
            params: { amount: o.amount ?? i.amount, origin_lat: 0, origin_lon: 0 },
            crashAfter: o.crash ? "ride_created" : undefined,
          }).then((r) => (r.resumed ? `${r.outcome} (resumed)` : r.outcome)),
        lockTimeoutSeconds: 90,
        ttlSeconds: DEMO_TTL_SECONDS,
        purge: () => reap(pool, table, DEMO_TTL_SECONDS).then(() => undefined),
        ageLock: (i) =>
          uncaptured(
            pool,
            marks,
            `UPDATE ${table} SET locked_at = now() - interval '91 seconds' WHERE user_id = $1 AND idempotency_key = $2`,
            [i.client, i.key],
          ),
        expire: async (i) => {
          await uncaptured(
            pool,
            marks,
            `UPDATE ${table} SET created_at = now() - interval '73 hours' WHERE user_id = $1 AND idempotency_key = $2`,
            [i.client, i.key],
          );
          await reap(pool, table); // the reaper's DELETE is the library's: captured
        },
      };
    case "node-idempotency":
      return {
        request: (i, o) =>
          nodeIdempotentRequest(pool, table, {
            method: "POST",
            path: i.client % 3 === 0 ? "/v1/orders" : "/v1/payments",
            key: i.key,
            body: { amount: o.amount ?? i.amount },
            answer: o.crash ? "crash" : { statusCode: 201, body: { id: `pay_${i.key}` } },
            ttlMs: DEMO_TTL_SECONDS * 1000,
          }),
        lockTimeoutSeconds: 60,
        ttlSeconds: DEMO_TTL_SECONDS,
        purge: () => purgeExpired(pool, schema),
        // the adapter has no lock: an unfinished claim is taken over once its key expired
        ageLock: (i) => expireNodeKey(pool, marks, table, i),
        expire: (i) => expireNodeKey(pool, marks, table, i),
      };
    case "medusa-v1":
      return {
        request: (i, o) =>
          medusaRequest(pool, table, {
            key: i.key,
            path: "/store/carts/complete",
            params: { cart: i.key, amount: o.amount ?? i.amount },
            crash: o.crash,
          }),
        lockTimeoutSeconds: 300,
        ttlSeconds: null,
        purge: async () => undefined,
        ageLock: (i) =>
          uncaptured(
            pool,
            marks,
            `UPDATE ${table} SET locked_at = now() - interval '2 seconds' WHERE idempotency_key = $1`,
            [i.key],
          ),
        expire: null,
      };
    case "medusa-v2":
      // a route that runs complete-cart with the client's Idempotency-Key as its transactionId;
      // finished runs are kept the demo's short TTL instead of complete-cart's three days
      return {
        request: (i, o) =>
          medusaV2Run(pool, table, {
            transactionId: i.key,
            input: { id: `cart_${i.key}`, amount: o.amount ?? i.amount },
            crash: o.crash,
            retentionSeconds: DEMO_TTL_SECONDS,
          }),
        lockTimeoutSeconds: MEDUSA_V2_LOCK_SECONDS,
        ttlSeconds: DEMO_TTL_SECONDS,
        purge: () => clearExpiredExecutions(pool, table).then(() => undefined),
        ageLock: (i) =>
          uncaptured(
            pool,
            marks,
            `UPDATE ${table} SET updated_at = updated_at - interval '121 seconds'
              WHERE transaction_id = $1 AND state <> ALL ($2)`,
            [i.key, MEDUSA_V2_FINISHED_STATES],
          ),
        expire: async (i) => {
          await uncaptured(
            pool,
            marks,
            `UPDATE ${table} SET updated_at = updated_at - make_interval(secs => retention_time + 1)
              WHERE transaction_id = $1`,
            [i.key],
          );
          await clearExpiredExecutions(pool, table); // the engine's own DELETE: captured
        },
      };
    case "masstransit-inbox":
      return {
        request: (i, o) =>
          deliver(pool, table, {
            messageId: asUuid(i.key),
            consumerId: CONSUMERS[i.client % CONSUMERS.length]!,
            crash: o.crash,
          }),
        lockTimeoutSeconds: 300,
        ttlSeconds: null,
        purge: async () => undefined,
        // the broker redelivers whenever it likes: nothing to wait for
        ageLock: async () => undefined,
        expire: null,
      };
    default:
      throw new Error(`the demo has no writer for the ${preset.name} preset`);
  }
}

/** Message ids are UUIDs: a scenario's key maps to one, always the same. */
function asUuid(key: string): string {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(key)) return key;
  const h = createHash("md5").update(key).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function expireNodeKey(pool: Pool, marks: string, table: string, i: Intent): Promise<void> {
  return uncaptured(
    pool,
    marks,
    `UPDATE ${table} SET expires_at = now() - interval '1 second' WHERE key LIKE '%:' || $1`,
    [i.key],
  );
}

export type LibraryTraffic = { stop: () => Promise<void>; stats: () => Record<Outcome, number> };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function startLibraryTraffic(
  client: LibraryClient,
  preset: Preset,
  rate: number,
): LibraryTraffic {
  const stats: Record<Outcome, number> = {};
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  let inFlight = 0;
  const uuidKeys = preset.name === "masstransit-inbox";

  async function send(i: Intent, o: { crash?: boolean; amount?: number } = {}) {
    if (stopped) return;
    inFlight += 1;
    try {
      const outcome = await client.request(i, o);
      stats[outcome] = (stats[outcome] ?? 0) + 1;
    } catch (err) {
      const key = `error: ${(err as Error).message.slice(0, 60)}`;
      stats[key] = (stats[key] ?? 0) + 1;
    } finally {
      inFlight -= 1;
    }
  }
  function later(seconds: number, fn: () => Promise<unknown>) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      void fn();
    }, seconds * 1000);
    timers.add(timer);
  }

  async function runIntent() {
    const i: Intent = {
      client: 1 + Math.floor(Math.random() ** 2 * 40),
      key: uuidKeys ? randomUUID() : `key-${randomBytes(8).toString("hex")}`,
      amount: 100 + Math.floor(Math.random() * 50_000),
    };
    const r = Math.random();
    if (r < 0.05) {
      await Promise.all([send(i), send(i)]); // a double submit
    } else if (r < 0.09) {
      // the worker crashes; the client retries at once (409), some again after the lock timeout
      await send(i, { crash: true });
      await sleep(500);
      await send(i);
      if (Math.random() < 0.5)
        later(client.lockTimeoutSeconds + 2 + Math.random() * 10, () => send(i));
    } else if (r < 0.12) {
      await send(i);
      await send(i, { amount: i.amount + 1 }); // same key, another payload
    } else if (r < 0.16 && client.ttlSeconds) {
      await send(i);
      later(client.ttlSeconds + 30 + Math.random() * 60, () => send(i)); // a late retry after expiry
    } else if (r < 0.4) {
      await send(i);
      await sleep(200 + Math.random() * 800);
      await send(i); // the response was lost: the client retries
    } else {
      await send(i);
    }
  }

  const tick = setInterval(() => {
    if (stopped) return;
    const n = Math.floor(rate / 10 + Math.random());
    for (let k = 0; k < n && inFlight < 200; k++) void runIntent();
  }, 100);
  const purger = setInterval(() => void client.purge().catch(() => undefined), 30_000);

  return {
    stats: () => stats,
    stop: async () => {
      stopped = true;
      clearInterval(tick);
      clearInterval(purger);
      for (const t of timers) clearTimeout(t);
      for (let k = 0; k < 50 && inFlight > 0; k++) await sleep(100);
    },
  };
}
