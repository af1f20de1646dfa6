// The socket address of the caller, which Next.js does not expose to route handlers (and whose
// x-forwarded-for it only sets when absent, so a client can forge it). scripts/serve.ts, the
// server idemscope runs in, removes any incoming copies of these headers and sets them from the
// socket, with a per-process token so that a forged header is ignored under plain `next start`.
export const PEER_HEADER = "x-idemscope-peer";
export const PEER_TOKEN_HEADER = "x-idemscope-peer-token";
export const PEER_TOKEN_ENV = "IDEMSCOPE_PEER_TOKEN";

type HeaderGetter = { get(name: string): string | null };

/** The verified peer address, or null when the request did not come through scripts/serve.ts. */
export function verifiedPeer(
  headers: HeaderGetter,
  env: Record<string, string | undefined> = process.env,
): string | null {
  const expected = env[PEER_TOKEN_ENV];
  if (!expected || headers.get(PEER_TOKEN_HEADER) !== expected) return null;
  const peer = headers.get(PEER_HEADER);
  return peer ? normalizeAddress(peer) : null;
}

/** "::ffff:127.0.0.1" (an IPv4 peer on a dual-stack socket) → "127.0.0.1". */
export function normalizeAddress(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

export function isLoopback(address: string | null): boolean {
  if (!address) return false;
  return address === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}
