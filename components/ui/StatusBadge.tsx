const LABELS: Record<string, string> = {
  in_progress: "in progress",
  completed: "completed",
  failed: "failed",
  purged: "purged",
  stuck: "stuck",
};

/** A key's state, in words and a colour that means the same on every page. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`status status-${status}`}>{LABELS[status] ?? status}</span>;
}
