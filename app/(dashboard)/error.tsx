"use client";

import { AppLink as Link } from "@/components/ui/AppLink";

export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <div className="page">
      <section className="card empty-state" role="alert">
        <h2>This page failed to load</h2>
        <p>Something went wrong while rendering it. The rest of idemscope keeps working.</p>
        {process.env.NODE_ENV === "development" ? (
          <pre className="mono">{error.message}</pre>
        ) : null}
        {error.digest ? <p className="muted">Reference: {error.digest}</p> : null}
        <p className="actions">
          <button type="button" onClick={reset}>
            Try again
          </button>
          <Link href="/">Go to the overview</Link>
        </p>
      </section>
    </div>
  );
}
