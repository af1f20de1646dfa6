export default function Loading() {
  return (
    <div className="page">
      <p className="muted" role="status">
        Loading…
      </p>
    </div>
  );
}
