// Identity headers must reach idemscope exactly once, as the SSO proxy set them. A proxy that
// appends instead of overwriting (nginx `add_header`-style, or a chain of proxies) passes the
// client's own `X-Forwarded-Groups: oncall` next to its `X-Forwarded-Groups: eng`, and Node joins
// the two into "oncall, eng": a client-chosen group would then be believed. A repeated identity
// header is therefore refused outright (docs/operations.md, "Behind an SSO proxy").
export const IDENTITY_HEADERS = [
  "x-forwarded-user",
  "x-forwarded-email",
  "x-forwarded-groups",
  "x-forwarded-preferred-username",
] as const;

/** Identity headers present more than once in a request's raw header list (name, value, …). */
export function repeatedIdentityHeaders(rawHeaders: string[]): string[] {
  const seen = new Map<string, number>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? "").toLowerCase();
    if ((IDENTITY_HEADERS as readonly string[]).includes(name))
      seen.set(name, (seen.get(name) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([name]) => name);
}
