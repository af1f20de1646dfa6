import { Banner } from "./Banner";

/** A list's failed refresh: stale data stays on screen under this, or nothing loaded at all. */
export function ListErrorBanner({
  message,
  hasData,
  what,
}: {
  message: string;
  hasData: boolean;
  what: string;
}) {
  return (
    <Banner
      tone="bad"
      title={hasData ? "Data is stale: the last refresh failed." : `Cannot load ${what}.`}
    >
      {message}
    </Banner>
  );
}
