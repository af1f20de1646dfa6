// The one validated configuration of idemscope, read from the environment once.
import { z } from "zod";
import { AuthConfigError, parseAuthConfig, type AuthConfig } from "./auth-config";
import { amountPathsSchema } from "./amount-paths";
import { spanConfigOf, spanEnvSchema } from "./span-config";

const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, "must be a plain SQL identifier (letters, digits, _)");

/** "POST /v1/payments=600,POST /v1/orders=120" → Map(endpoint → seconds). */
const endpointSeconds = z
  .string()
  .default("")
  .transform((raw, ctx) => {
    const map = new Map<string, number>();
    for (const part of raw.split(",").map((p) => p.trim())) {
      if (!part) continue;
      const eq = part.lastIndexOf("=");
      const seconds = Number(part.slice(eq + 1));
      if (eq <= 0 || !Number.isInteger(seconds) || seconds <= 0) {
        ctx.addIssue({ code: "custom", message: `"${part}" is not ENDPOINT=SECONDS` });
        return z.NEVER;
      }
      map.set(part.slice(0, eq).trim(), seconds);
    }
    return map;
  });

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** "50GiB", "500 GB", "1e9" → bytes; empty → no budget. */
/** Trigger capture's queue bound unless IDEMSCOPE_CAPTURE_QUEUE_LIMIT says otherwise. */
export const DEFAULT_CAPTURE_QUEUE_LIMIT_BYTES = 1024 ** 3;

const byteSize = z
  .string()
  .default("")
  .transform((raw, ctx) => {
    if (!raw.trim()) return null;
    const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([kmgt]i?b|b)?\s*$/i.exec(raw);
    const bytes = m ? Number(m[1]) * (BYTE_UNITS[(m[2] ?? "b").toLowerCase()] ?? NaN) : NaN;
    if (!Number.isFinite(bytes) || bytes <= 0) {
      ctx.addIssue({ code: "custom", message: `"${raw}" is not a size such as 50GiB or 500GB` });
      return z.NEVER;
    }
    return Math.round(bytes);
  });

/**
 * A connection string: a postgres:// URL (or a socket directory). The message never quotes the
 * value, which usually holds a password.
 */
const connectionString = z
  .string()
  .optional()
  // An empty value means "not set" (so `DATABASE_URL= npm run demo` uses the embedded one).
  .transform((v) => v || undefined)
  .superRefine((v, ctx) => {
    if (v === undefined || v.startsWith("/")) return;
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      ctx.addIssue({
        code: "custom",
        message:
          "is not a URL of the form postgres://USER:PASSWORD@HOST:PORT/DATABASE (the value is not shown: it may hold a password; percent-encode special characters in the password)",
      });
      return;
    }
    if (url.protocol !== "postgres:" && url.protocol !== "postgresql:")
      ctx.addIssue({
        code: "custom",
        message: "must start with postgres:// or postgresql:// (the value is not shown)",
      });
    else if (!url.hostname && !url.searchParams.has("host"))
      ctx.addIssue({ code: "custom", message: "has no host after '@' (the value is not shown)" });
  });

const envSchema = z.object({
  DATABASE_URL: connectionString,
  IDEMSCOPE_READ_DATABASE_URL: connectionString,
  IDEMSCOPE_REPLICATION_DATABASE_URL: connectionString,
  IDEMSCOPE_STORE_SCHEMA: identifier.default("public"),
  IDEMSCOPE_KEYS_TABLE: identifier.default("idempotency_keys"),
  IDEMSCOPE_EVENTS_TABLE: identifier.default("idempotency_events"),
  IDEMSCOPE_SCHEMA: identifier.default("idemscope"),
  IDEMSCOPE_LOCK_TIMEOUT_SECONDS: z.coerce.number().int().positive().optional(),
  IDEMSCOPE_ENDPOINT_LOCK_TIMEOUTS: endpointSeconds,
  IDEMSCOPE_ENDPOINT_TTLS: endpointSeconds,
  IDEMSCOPE_STORE_SIZE_BUDGET: byteSize,
  IDEMSCOPE_PURGE_GRACE_SECONDS: z.coerce.number().int().min(0).default(900),
  IDEMSCOPE_CAPTURE_QUEUE_LIMIT: byteSize.transform((b) => b ?? DEFAULT_CAPTURE_QUEUE_LIMIT_BYTES),
  IDEMSCOPE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  IDEMSCOPE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  IDEMSCOPE_WRITE_POOL_MAX: z.coerce.number().int().min(1).max(20).default(3),
  IDEMSCOPE_METRICS_TOKEN: z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || v.length >= 16, "must be at least 16 characters"),
  IDEMSCOPE_FINGERPRINT_KEY: z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || v.length >= 32, "must be at least 32 characters"),
  IDEMSCOPE_METRICS_PUBLIC: z
    .enum(["0", "1", "true", "false", ""])
    .default("")
    .transform((v) => v === "1" || v === "true"),
  IDEMSCOPE_METRICS_TIMEOUT_MS: z.coerce.number().int().positive().max(60_000).default(3000),
  IDEMSCOPE_DEMO: z
    .enum(["0", "1", "true", "false", ""])
    .default("")
    .transform((v) => v === "1" || v === "true"),
  IDEMSCOPE_COLLECTOR: z.enum(["on", "off"]).default("on"),
  IDEMSCOPE_COLLECTOR_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
  IDEMSCOPE_COLLECTOR_MAX_EVENTS_PER_SECOND: z.coerce.number().int().min(0).default(0),
  // while the store's own tables are written, the history fold's WAL makes their commits wait
  // (docs/performance.md, "What slows the writer at full speed"): this limit then; 0: none
  IDEMSCOPE_COLLECTOR_BUSY_MAX_EVENTS_PER_SECOND: z.coerce.number().int().min(0).default(10_000),
  IDEMSCOPE_COLLECTOR_PAUSE_REPLICATION_LAG_SECONDS: z.coerce.number().positive().default(30),
  IDEMSCOPE_COLLECTOR_PAUSE_ACTIVE_CONNECTIONS: z.coerce.number().int().positive().optional(),
  IDEMSCOPE_COLLECTOR_HISTORY_BATCH_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  IDEMSCOPE_COLLECTOR_REBUILD_INDEXES_AFTER_HISTORY: z
    .enum(["0", "1", "true", "false", ""])
    .default("")
    .transform((v) => v !== "0" && v !== "false"),
  IDEMSCOPE_RETENTION_MINUTE_DAYS: z.coerce.number().positive().default(3),
  IDEMSCOPE_RETENTION_HOUR_DAYS: z.coerce.number().positive().default(90),
  IDEMSCOPE_RETENTION_DAY_DAYS: z.coerce.number().positive().default(1825),
  IDEMSCOPE_INTENT_HORIZON_DAYS: z.coerce.number().positive().default(14),
  IDEMSCOPE_RECONCILE_WITHIN_HOURS: z.coerce.number().positive().default(72),
  IDEMSCOPE_AMOUNT_PATHS: amountPathsSchema,
  IDEMSCOPE_CACHE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
  IDEMSCOPE_CACHE_MAX_BYTES: byteSize.transform((v) => v ?? 32 * 2 ** 20),
  IDEMSCOPE_TRACE_URL: z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .refine(
      (v) => v === undefined || (/^https?:\/\//.test(v) && v.includes("{traceId}")),
      "must be an http(s) URL containing {traceId}, e.g. https://tempo.example/trace/{traceId}",
    ),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ...spanEnvSchema,
});

export type Config = ReturnType<typeof configOf>;

/** Seconds after which an unfinished execution counts as stuck, unless configured otherwise. */
export const DEFAULT_LOCK_TIMEOUT_SECONDS = 300;

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    // zod's messages here never carry the value (see the custom ones above), so secrets stay out
    throw new ConfigError(
      `Invalid configuration: ${String(first?.path.join(".") ?? "")} ${first?.message ?? ""}`.trim(),
    );
  }
  let auth: AuthConfig;
  try {
    auth = parseAuthConfig(env, parsed.data.IDEMSCOPE_DEMO);
  } catch (err) {
    if (err instanceof AuthConfigError)
      throw new ConfigError(`Invalid configuration: ${err.message}`);
    throw err;
  }
  return configOf(parsed.data, auth);
}

/** The validated environment in idemscope's words: the Config type is what this returns. */
function configOf(e: z.output<typeof envSchema>, auth: AuthConfig) {
  return {
    databaseUrl: e.DATABASE_URL,
    /** a read replica for the dashboard's reads (writes always go to databaseUrl) */
    readDatabaseUrl: e.IDEMSCOPE_READ_DATABASE_URL,
    /** the login logical capture streams the slot with (REPLICATION), when not databaseUrl's */
    replicationDatabaseUrl: e.IDEMSCOPE_REPLICATION_DATABASE_URL,
    storeSchema: e.IDEMSCOPE_STORE_SCHEMA,
    keysTable: e.IDEMSCOPE_KEYS_TABLE,
    eventsTable: e.IDEMSCOPE_EVENTS_TABLE,
    idemscopeSchema: e.IDEMSCOPE_SCHEMA,
    defaultLockTimeoutSeconds: e.IDEMSCOPE_LOCK_TIMEOUT_SECONDS ?? DEFAULT_LOCK_TIMEOUT_SECONDS,
    /** IDEMSCOPE_LOCK_TIMEOUT_SECONDS was set: it wins over a connected preset's lock timeout */
    lockTimeoutConfigured: e.IDEMSCOPE_LOCK_TIMEOUT_SECONDS !== undefined,
    lockTimeoutSecondsByEndpoint: e.IDEMSCOPE_ENDPOINT_LOCK_TIMEOUTS,
    /** TTLs the store's writer uses, where known (otherwise observed on the newest keys) */
    ttlSecondsByEndpoint: e.IDEMSCOPE_ENDPOINT_TTLS,
    /** total size the store's tables should stay under (projection on the Store page) */
    storeSizeBudgetBytes: e.IDEMSCOPE_STORE_SIZE_BUDGET,
    /** how long an expired key may wait for the purger before it counts as behind */
    purgeGraceSeconds: e.IDEMSCOPE_PURGE_GRACE_SECONDS,
    /** trigger capture stops queueing past this size (set in the triggers at connect) */
    captureQueueLimitBytes: e.IDEMSCOPE_CAPTURE_QUEUE_LIMIT,
    statementTimeoutMs: e.IDEMSCOPE_STATEMENT_TIMEOUT_MS,
    poolMax: e.IDEMSCOPE_POOL_MAX,
    /** connections of the operators' own pool (release, fail, reveal), apart from the reads' */
    writePoolMax: e.IDEMSCOPE_WRITE_POOL_MAX,
    /** bearer token Prometheus must present on /api/metrics (none: open) */
    metricsToken: e.IDEMSCOPE_METRICS_TOKEN,
    /** HMAC key of the fingerprints viewers see (none: the key idemscope keeps in its schema) */
    fingerprintKey: e.IDEMSCOPE_FINGERPRINT_KEY,
    /** /api/metrics open to anyone although authentication is configured (an explicit choice) */
    metricsPublic: e.IDEMSCOPE_METRICS_PUBLIC,
    /** statement timeout of the database reads behind one scrape */
    metricsTimeoutMs: e.IDEMSCOPE_METRICS_TIMEOUT_MS,
    demo: e.IDEMSCOPE_DEMO,
    collector: e.IDEMSCOPE_COLLECTOR === "on",
    /** what the collector may take of the store (lib/fold/pressure.ts, lib/fold/history.ts) */
    collectorLimits: {
      statementTimeoutMs: e.IDEMSCOPE_COLLECTOR_STATEMENT_TIMEOUT_MS,
      /** events per second the history fold may read; 0: as fast as it goes */
      maxEventsPerSecond: e.IDEMSCOPE_COLLECTOR_MAX_EVENTS_PER_SECOND,
      /** the same while the store's own tables are being written (lib/fold/store-writes.ts); 0: none */
      busyMaxEventsPerSecond: e.IDEMSCOPE_COLLECTOR_BUSY_MAX_EVENTS_PER_SECOND,
      pauseReplicationLagSeconds: e.IDEMSCOPE_COLLECTOR_PAUSE_REPLICATION_LAG_SECONDS,
      /** busy connections past which the history fold waits; undefined: 80 % of max_connections */
      pauseActiveConnections: e.IDEMSCOPE_COLLECTOR_PAUSE_ACTIVE_CONNECTIONS,
      /** how long a history batch may take: live events wait up to that long while history folds */
      historyBatchMs: e.IDEMSCOPE_COLLECTOR_HISTORY_BATCH_MS,
      /** rebuild the indexes a finished history fold left half full (lib/fold/compact-indexes.ts) */
      rebuildIndexesAfterHistory: e.IDEMSCOPE_COLLECTOR_REBUILD_INDEXES_AFTER_HISTORY,
    },
    retentionDays: {
      minute: e.IDEMSCOPE_RETENTION_MINUTE_DAYS,
      hour: e.IDEMSCOPE_RETENTION_HOUR_DAYS,
      day: e.IDEMSCOPE_RETENTION_DAY_DAYS,
      intents: e.IDEMSCOPE_INTENT_HORIZON_DAYS,
    },
    /** open duplicate successes older than this (since the first request) are overdue */
    reconcileWithinHours: e.IDEMSCOPE_RECONCILE_WITHIN_HOURS,
    /** per endpoint: where the stored response holds the amount and currency */
    amountPaths: e.IDEMSCOPE_AMOUNT_PATHS,
    cacheTtlMs: e.IDEMSCOPE_CACHE_TTL_MS,
    /** bytes of results the shared polling cache keeps at most (lib/query/store/shared-cache.ts) */
    cacheMaxBytes: e.IDEMSCOPE_CACHE_MAX_BYTES,
    logLevel: e.LOG_LEVEL,
    /** link template of the tracing system, with {traceId} */
    traceUrlTemplate: e.IDEMSCOPE_TRACE_URL,
    auth,
    /** span capture's receiver and attribute mapping (lib/ingest/spans) */
    spans: spanConfigOf(e),
  };
}

let cached: Config | undefined;

/** The process configuration; parsed lazily so that a bad variable fails with a clear message. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/**
 * Lock timeout for one endpoint (docs/store-contract.md: "stuck key"): per-endpoint override, else
 * the configured default, else the connected preset's (its library's own timeout), else 300 s.
 */
export function lockTimeoutSeconds(
  endpoint: string,
  cfg: Config = config(),
  presetSeconds?: number,
): number {
  return cfg.lockTimeoutSecondsByEndpoint.get(endpoint) ?? defaultLockTimeout(cfg, presetSeconds);
}

export function defaultLockTimeout(cfg: Config, presetSeconds?: number): number {
  return cfg.lockTimeoutConfigured
    ? cfg.defaultLockTimeoutSeconds
    : (presetSeconds ?? cfg.defaultLockTimeoutSeconds);
}
