// Fingerprints as viewers see them: HMAC-SHA256 under a server-side key, so that neither a
// request hash nor a stored response can be confirmed by guessing offline (a typical payment
// body has little entropy; an unkeyed SHA-256 of it was brute-forced in seconds). Equal inputs
// still give equal fingerprints, which is all the mismatch comparison needs.
import "server-only";
import type { StoreContext } from "../../contract/context";
import { createHmac, randomBytes } from "node:crypto";
import { log } from "../../core/log";

const FINGERPRINT_HEX = 16;

const globalForKeys = globalThis as unknown as { idemscopeFingerprintKeys?: Map<string, string> };
const cache = (globalForKeys.idemscopeFingerprintKeys ??= new Map<string, string>());

/** The key: IDEMSCOPE_FINGERPRINT_KEY, else the one the migration stored in idemscope's schema. */
export async function fingerprintKey(ctx: StoreContext): Promise<string> {
  const { db, tables: t, config: cfg } = ctx;
  if (cfg.fingerprintKey) return cfg.fingerprintKey;
  const known = cache.get(t.own);
  if (known) return known;
  let key: string;
  try {
    const r = await db.query<{ value: string }>(
      `SELECT value FROM ${t.ownTable("secrets")} WHERE name = 'fingerprint_key'`,
    );
    key = r.rows[0]?.value ?? "";
  } catch (err) {
    if ((err as { code?: string }).code !== "42P01") throw err;
    key = "";
  }
  if (!key) {
    // a schema migrated before the key existed: still keyed, but only stable in this process
    log.warn(
      "no fingerprint key in idemscope's schema (run `npm run migrate`): using one per process",
    );
    key = randomBytes(32).toString("hex");
  }
  cache.set(t.own, key);
  return key;
}

/** A short keyed fingerprint of `value`; `purpose` keeps request and response digests apart. */
export function keyedFingerprint(
  key: string,
  purpose: "request" | "response",
  value: string,
): string {
  return createHmac("sha256", key)
    .update(`${purpose}\0${value}`)
    .digest("hex")
    .slice(0, FINGERPRINT_HEX);
}

/** Sizes as viewers see them: rounded up to 64 bytes, so the length does not pin a body down. */
export function approximateBytes(bytes: number): number {
  return Math.max(64, Math.ceil(bytes / 64) * 64);
}
