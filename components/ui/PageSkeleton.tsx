/**
 * The shape of a page while its server part loads (a route segment's loading.tsx): grey blocks
 * where the tiles, charts and table will be, so the layout does not jump when data arrives.
 */
export function PageSkeleton({
  title,
  tiles = 0,
  charts = 0,
  rows = 0,
}: {
  title: string;
  tiles?: number;
  charts?: number;
  rows?: number;
}) {
  return (
    <div className="page" aria-busy="true">
      <header className="page-header">
        <h1>{title}</h1>
        <p className="muted" role="status">
          Loading…
        </p>
      </header>
      {tiles > 0 ? (
        <div className="skeleton-tiles">
          {Array.from({ length: tiles }, (_, i) => (
            <div key={i} className="skeleton skeleton-tile" />
          ))}
        </div>
      ) : null}
      {Array.from({ length: charts }, (_, i) => (
        <div key={i} className="skeleton skeleton-chart" />
      ))}
      {rows > 0 ? (
        <div className="card">
          {Array.from({ length: rows }, (_, i) => (
            <div key={i} className="skeleton skeleton-row" />
          ))}
        </div>
      ) : null}
    </div>
  );
}

/** One panel's placeholder inside a streamed page (its own Suspense boundary). */
export function PanelSkeleton({ label, height = 220 }: { label: string; height?: number }) {
  return (
    <div className="skeleton skeleton-chart" style={{ height }} role="status" aria-label={label} />
  );
}
