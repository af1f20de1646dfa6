// Request fingerprints: sha256 over a canonical JSON form, so key order and whitespace don't
// turn a faithful retry into a "different payload".
import { createHash } from "node:crypto";

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function requestFingerprint(method: string, endpoint: string, body: unknown): string {
  const payload = JSON.stringify([method.toUpperCase(), endpoint, canonical(body ?? null)]);
  return createHash("sha256").update(payload).digest("hex");
}
