// Which Host names idemscope answers to when it trusts "the local user" (the demo's anonymous
// operator). A loopback peer alone is not the local user: a page on any website can reach
// 127.0.0.1 through DNS rebinding (its own name resolving to 127.0.0.1, so Host and Origin agree
// with each other but name the attacker's site), and a same-host forwarder or tunnel hands remote
// callers a loopback peer. Their Host header gives both away.
import type { AuthConfig } from "../core/auth-config";

type HeaderGetter = { get(name: string): string | null };

const LOOPBACK_NAME = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/i;

/** "127.0.0.1:3400" → { name: "127.0.0.1", port: "3400" }; null when malformed. */
function splitHost(host: string): { name: string; port: string | null } | null {
  const m = /^(\[[0-9a-f:.]+\]|[^:\s/@[\]]+)(?::(\d{1,5}))?$/i.exec(host.trim());
  return m ? { name: (m[1] as string).toLowerCase(), port: m[2] ?? null } : null;
}

/** Whether Host checks apply: only where loopback callers are trusted with more than reading. */
export function hostCheckApplies(auth: AuthConfig): boolean {
  return auth.anonymousNeedsLoopback && auth.anonymousRole === "operator";
}

/**
 * A Host this process may answer as: a loopback name on its own port, or the host of a
 * configured IDEMSCOPE_ORIGIN. `port` is the port the server listens on (null: any).
 */
export function hostAllowed(host: string | null, auth: AuthConfig, port: number | null): boolean {
  if (!host) return false;
  const parts = splitHost(host);
  if (!parts) return false;
  if (auth.origins.some((o) => new URL(o).host.toLowerCase() === host.trim().toLowerCase()))
    return true;
  if (!LOOPBACK_NAME.test(parts.name)) return false;
  return port === null || (parts.port ?? "80") === String(port);
}

export function hostRefusal(host: string | null): string {
  return (
    `idemscope's local demo answers only to localhost, 127.0.0.1 or [::1] on its own port ` +
    `(this request named ${host ? JSON.stringify(host.slice(0, 100)) : "no host"}). To serve it ` +
    `under another name, set IDEMSCOPE_ORIGIN to that origin.`
  );
}

/** For identity resolution: the loopback trust holds only for a request with an allowed Host. */
export function requestHostAllowed(headers: HeaderGetter, auth: AuthConfig): boolean {
  return hostAllowed(headers.get("host"), auth, null);
}
