// Per-endpoint lock timeouts as SQL parameters, so that "stuck" is judged on the database clock.
import "server-only";
import type { Config } from "../core/config";

/** [$endpoints text[], $seconds int[], $defaultSeconds int] for a join against unnest(). */
export function lockTimeoutParams(cfg: Config): [string[], number[], number] {
  const entries = [...cfg.lockTimeoutSecondsByEndpoint.entries()];
  return [entries.map(([e]) => e), entries.map(([, s]) => s), cfg.defaultLockTimeoutSeconds];
}
