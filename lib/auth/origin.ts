// CSRF defence for credentials the browser attaches by itself (a proxy session, anonymous
// access): the request must say it comes from idemscope's own origin. Next.js' own check lets a
// missing Origin through and route handlers get none, so every mutation runs this one.
import type { AuthConfig } from "../core/auth-config";
import { DomainError } from "../core/errors";

type HeaderGetter = { get(name: string): string | null };

export function assertSameOrigin(headers: HeaderGetter, auth: AuthConfig): void {
  const origin = headers.get("origin");
  if (!origin || origin === "null") {
    throw new DomainError(
      "forbidden",
      "cross_origin",
      "This change must come from idemscope's own pages (the request has no Origin). Automation should use a bearer token.",
    );
  }
  if (!originAllowed(origin, headers.get("host"), auth)) {
    throw new DomainError("forbidden", "cross_origin", `Changes from ${origin} are not accepted.`);
  }
}

function originAllowed(origin: string, host: string | null, auth: AuthConfig): boolean {
  if (auth.origins.length > 0) return auth.origins.includes(origin);
  try {
    const url = new URL(origin);
    return (url.protocol === "http:" || url.protocol === "https:") && url.host === host;
  } catch {
    return false;
  }
}
