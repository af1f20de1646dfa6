// The demo's fault simulator for a preset's table (`npm run demo -- --preset NAME`): the same
// real-world faults as the contract demo (dropped responses retried, concurrent doubles, crashed
// workers, reclaims after the lock timeout, reused keys with another payload, late retries after
// expiry) driven through a writer that issues that library's own statements (./writers).
import { randomBytes, randomUUID } from "node:crypto";
import type { Pool } from "pg";
import type { Preset } from "../../lib/sources/preset";
import { deliver } from "./writers/masstransit-inbox";
import { medusaRequest } from "./writers/medusa-v1";
import { nodeIdempotentRequest, purgeExpired } from "./writers/node-idempotency";
import { postRide, reap } from "./writers/stripe-style";

type Intent = { client: number; key: string; amount: number };
type Outcome = string;

/** One library's writer behind the simulator's fault mix. */
type LibraryClient = {
  request: (i: Intent, options: { crash?: boolean; amount?: number }) => Promise<Outcome>;
  lockTimeoutSeconds: number;
  /** after this long a key is purged (the demo's short TTL) and a late retry runs again */
  ttlSeconds: number | null;
  purge: () => Promise<void>;
};

/** Demo TTL: short enough that late retries after expiry happen while you watch. */
const DEMO_TTL_SECONDS = 300;
const CONSUMERS = [randomUUID(), randomUUID(), randomUUID()];

export function libraryClient(
  pool: Pool,
  preset: Preset,
  table: string,
  schema: string,
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
      };
    case "masstransit-inbox":
      return {
        request: (i, o) =>
          deliver(pool, table, {
            messageId: i.key,
            consumerId: CONSUMERS[i.client % CONSUMERS.length]!,
            crash: o.crash,
          }),
        lockTimeoutSeconds: 300,
        ttlSeconds: null,
        purge: async () => undefined,
      };
    default:
      throw new Error(`the demo has no writer for the ${preset.name} preset`);
  }
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
