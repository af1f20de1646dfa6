import { Banner } from "./Banner";

/** A polled panel without data yet: loading, or why its first request failed. */
export function PanelPending({ error }: { error: Error | null }) {
  return error ? (
    <Banner tone="warn" title="This panel could not be loaded.">
      {error.message} Retried with the next refresh.
    </Banner>
  ) : (
    <p className="muted">Loading…</p>
  );
}
