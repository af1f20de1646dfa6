// The demo's world: the payments/orders API's endpoints (with their TTLs and lock timeouts)
// and the simulated clients that call it.

export type DemoEndpoint = {
  name: string;
  path: string;
  ttlSeconds: number;
  lockTimeoutSeconds: number;
  /** effects outside the database (provider calls) make lock reclaims duplicate the work */
  effect: "transactional" | "external";
  /** relative share of traffic */
  weight: number;
};

export const DEMO_ENDPOINTS: DemoEndpoint[] = [
  {
    name: "POST /v1/payments",
    path: "/v1/payments",
    ttlSeconds: 86_400,
    lockTimeoutSeconds: 300,
    effect: "transactional",
    weight: 30,
  },
  {
    name: "POST /v1/orders",
    path: "/v1/orders",
    ttlSeconds: 86_400,
    lockTimeoutSeconds: 300,
    effect: "transactional",
    weight: 22,
  },
  {
    name: "POST /v1/customers",
    path: "/v1/customers",
    ttlSeconds: 3_600,
    lockTimeoutSeconds: 300,
    effect: "transactional",
    weight: 12,
  },
  {
    name: "POST /v1/invoices",
    path: "/v1/invoices",
    ttlSeconds: 21_600,
    lockTimeoutSeconds: 300,
    effect: "transactional",
    weight: 10,
  },
  {
    name: "POST /v1/subscriptions",
    path: "/v1/subscriptions",
    ttlSeconds: 86_400,
    lockTimeoutSeconds: 300,
    effect: "transactional",
    weight: 8,
  },
  // A short TTL: late retries arrive after expiry and run the work again.
  {
    name: "POST /v1/refunds",
    path: "/v1/refunds",
    ttlSeconds: 120,
    lockTimeoutSeconds: 60,
    effect: "transactional",
    weight: 8,
  },
  // Calls a bank: the effect is external, and a short lock timeout lets retries reclaim it.
  {
    name: "POST /v1/transfers",
    path: "/v1/transfers",
    ttlSeconds: 86_400,
    lockTimeoutSeconds: 20,
    effect: "external",
    weight: 6,
  },
  {
    name: "POST /v1/payouts",
    path: "/v1/payouts",
    ttlSeconds: 86_400,
    lockTimeoutSeconds: 300,
    effect: "external",
    weight: 4,
  },
];

const COMPANIES = [
  "acme",
  "globex",
  "initech",
  "umbrella",
  "hooli",
  "stark",
  "wayne",
  "wonka",
  "tyrell",
  "cyberdyne",
  "soylent",
  "vandelay",
  "pied-piper",
  "aperture",
  "oscorp",
  "massive-dynamic",
];
const CHANNELS = ["web", "ios", "android", "backend"];

/** 64 clients ("acme-web", "globex-ios", …); the first ones carry most of the traffic. */
export const DEMO_CLIENTS: string[] = COMPANIES.flatMap((c) => CHANNELS.map((ch) => `${c}-${ch}`));

/** The client that falls into a retry storm in live traffic. */
export const STORM_CLIENT = "hooli-android";

export const DEMO_INSTANCES = ["web-1", "web-2", "web-3", "web-4"];

/** "POST /v1/refunds=60,…" for IDEMSCOPE_ENDPOINT_LOCK_TIMEOUTS, so the dashboard agrees. */
export function demoLockTimeoutsEnv(): string {
  return DEMO_ENDPOINTS.map((e) => `${e.name}=${e.lockTimeoutSeconds}`).join(",");
}

export function pickWeighted<T extends { weight: number }>(items: T[], r: number): T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let acc = 0;
  for (const item of items) {
    acc += item.weight / total;
    if (r < acc) return item;
  }
  return items[items.length - 1] as T;
}

/** Skewed towards the first clients, as real traffic is. */
export function pickClient(r: number): string {
  return DEMO_CLIENTS[Math.floor(DEMO_CLIENTS.length * r * r)] as string;
}

/** IDEMSCOPE_AMOUNT_PATHS of the money-moving endpoints, whose responses say { amount (cents), currency }. */
export const DEMO_AMOUNT_PATHS = ["payments", "refunds", "transfers", "payouts"]
  .map((e) => `POST /v1/${e}=$.amount,$.currency`)
  .join(";");
