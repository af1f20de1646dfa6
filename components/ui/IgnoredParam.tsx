import { Banner } from "./Banner";

/**
 * A URL parameter the page did not understand, said instead of silently replaced (a shared link
 * with a typo must not look like what it meant): `?range=2w` → "Unknown range "2w": showing 30d".
 */
export function IgnoredParam({
  name,
  given,
  using,
  allowed,
}: {
  name: string;
  /** the raw value(s) from the URL: shown only when set and not one of `allowed` */
  given: string | string[] | undefined;
  using: string;
  allowed: readonly string[];
}) {
  if (given === undefined || (typeof given === "string" && allowed.includes(given))) return null;
  const text = Array.isArray(given) ? given.join(", ") : given;
  return (
    <Banner tone="warn" title={`Unknown ${name} "${text.slice(0, 40)}":`}>
      showing {using} (one of {allowed.join(", ")}).
    </Banner>
  );
}
