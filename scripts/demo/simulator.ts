// Simulated clients driving the demo API with the faults of the real world (docs/store-contract.md, "What the reference writer guarantees"): dropped
// responses retried with backoff, double submits, crashed workers, reused keys with another
// payload, late retries after expiry, slow external calls that get reclaimed, a retry storm.
import { randomBytes } from "node:crypto";
import {
  DEMO_ENDPOINTS,
  STORM_CLIENT,
  pickClient,
  pickWeighted,
  type DemoEndpoint,
} from "./catalog";

export type SimulatorOptions = {
  apiUrl: string;
  /** new intents per second (retries come on top); at the peak of `shape` */
  rate: number;
  /** share of `rate` at a time of day (traffic-shape.ts); none: flat */
  shape?: (at: Date) => number;
  /** cap on requests in flight, so a slow database can't make the simulator balloon */
  maxInFlight?: number;
};

export type SimulatorStats = {
  sent: number;
  byStatus: Record<string, number>;
  networkErrors: number;
};

export type Simulator = { stop: () => Promise<void>; stats: () => SimulatorStats };

type Send = {
  endpoint: DemoEndpoint;
  client: string;
  key: string;
  body: unknown;
  fault?: string;
  timeoutMs?: number;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function startSimulator(options: SimulatorOptions): Simulator {
  const maxInFlight = options.maxInFlight ?? 300;
  const stats: SimulatorStats = { sent: 0, byStatus: {}, networkErrors: 0 };
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let stopped = false;
  const startedAt = Date.now();

  async function send(s: Send): Promise<number | undefined> {
    if (stopped) return undefined;
    stats.sent += 1;
    inFlight += 1;
    try {
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "idempotency-key": s.key,
        "x-client-id": s.client,
      };
      if (s.fault) headers["x-demo-fault"] = s.fault;
      const res = await fetch(options.apiUrl + s.endpoint.path, {
        method: "POST",
        headers,
        body: JSON.stringify(s.body),
        signal: AbortSignal.timeout(s.timeoutMs ?? 30_000),
      });
      await res.arrayBuffer();
      stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
      return res.status;
    } catch {
      stats.networkErrors += 1;
      return undefined;
    } finally {
      inFlight -= 1;
    }
  }

  function later(ms: number, fn: () => Promise<unknown>) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      void fn();
    }, ms);
    timers.add(timer);
  }

  /** Retries with exponential backoff until the client gets an answer that isn't 409. */
  async function sendWithRetries(s: Send, tries: number, baseDelayMs: number) {
    for (let i = 0; i < tries && !stopped; i++) {
      const status = await send(i === 0 ? s : { ...s, fault: undefined });
      if (status !== undefined && status !== 409) return status;
      await sleep(baseDelayMs * 2 ** i * (0.5 + Math.random()));
    }
    return undefined;
  }

  function stormActive(): boolean {
    // Storms for five minutes of every ten, starting a minute after launch.
    const minutes = (Date.now() - startedAt) / 60_000;
    return minutes >= 1 && minutes % 10 < 6;
  }

  async function runIntent() {
    const endpoint = pickWeighted(DEMO_ENDPOINTS, Math.random());
    // while a storm is on, its client gets a fixed share of the traffic: at any hour, not only
    // when its own time zone is awake (the Clients page then flags it within minutes)
    const client = stormActive() && Math.random() < 0.15 ? STORM_CLIENT : pickClient(Math.random());
    const amount = 100 + Math.floor(Math.random() * 50_000);
    const s: Send = {
      endpoint,
      client,
      key: `${client.slice(0, 3)}-${randomBytes(6).toString("hex")}`,
      body: { amount, currency: "EUR" },
    };
    const r = Math.random();

    if (client === STORM_CLIENT && stormActive()) {
      // A buggy mobile release: retries every request many times, fast, without backoff.
      await send(s);
      for (let i = 0; i < 12 && !stopped; i++) {
        await sleep(50 + Math.random() * 100);
        await send(s);
      }
    } else if (endpoint.effect === "external" && r < 0.03) {
      // The bank is slow: the client times out and retries after the lock timeout, another
      // instance reclaims the key, and both calls reach the bank.
      const slowMs = (endpoint.lockTimeoutSeconds + 4) * 1000;
      void send({ ...s, fault: `slow:${slowMs}`, timeoutMs: slowMs + 5000 });
      later((endpoint.lockTimeoutSeconds + 1) * 1000, () => sendWithRetries(s, 3, 500));
    } else if (endpoint.ttlSeconds <= 600 && r < 0.08) {
      // A late retry after the key expired: the work runs again.
      await send(s);
      later((endpoint.ttlSeconds + 5 + Math.random() * 30) * 1000, () => send(s));
    } else if (r < 0.06) {
      await sendWithRetries({ ...s, fault: "drop" }, 5, 300);
    } else if (r < 0.09) {
      await Promise.all([send(s), send(s)]);
    } else if (r < 0.1) {
      // The worker crashes; the client retries twice (409), then some give up (stuck keys)
      // and the rest come back after the lock timeout (reclaim).
      await send({ ...s, fault: "crash" });
      await sleep(500);
      await send(s);
      if (Math.random() < 0.4)
        later((endpoint.lockTimeoutSeconds + 2 + Math.random() * 10) * 1000, () => send(s));
    } else if (r < 0.115) {
      await send(s);
      await send({ ...s, body: { amount: amount + 1, currency: "EUR" } }); // same key, new payload
    } else {
      await send(s);
    }
  }

  const tick = setInterval(() => {
    if (stopped) return;
    // Poisson arrivals per 100 ms tick
    let n = 0;
    const lambda = (options.rate * (options.shape?.(new Date()) ?? 1)) / 10;
    let p = Math.exp(-lambda);
    let cumulative = p;
    const u = Math.random();
    while (u > cumulative && n < 1000) {
      n += 1;
      p *= lambda / n;
      cumulative += p;
    }
    for (let i = 0; i < n && inFlight < maxInFlight; i++) void runIntent();
  }, 100);

  return {
    stats: () => stats,
    stop: async () => {
      stopped = true;
      clearInterval(tick);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (let i = 0; i < 50 && inFlight > 0; i++) await sleep(100);
    },
  };
}
