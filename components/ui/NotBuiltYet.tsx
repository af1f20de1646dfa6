export function NotBuiltYet({
  title,
  what,
  issue,
}: {
  title: string;
  what: string;
  issue: number;
}) {
  return (
    <div className="page">
      <header className="page-header">
        <h1>{title}</h1>
      </header>
      <section className="card empty-state">
        <h2>Not built yet</h2>
        <p>{what}</p>
        <p className="muted">
          This page is planned (tracked as issue #{issue}); it shows no data until then.
        </p>
      </section>
    </div>
  );
}
