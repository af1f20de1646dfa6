import type { ReactNode } from "react";

/**
 * Retry storms, in a strip of one line that is always there: a storm that starts or ends while
 * someone reaches for a row must not push the table under their pointer (a click that lands on
 * whatever moved in does nothing; docs/reliability.md, "A click always navigates"). The whole
 * text is in the strip (and its title); each client's row carries its own storm too.
 */
export function StormStrip({
  storms,
  calm,
}: {
  storms: { key: string; title: string; body: ReactNode; text: string }[];
  /** what the strip says while no client is in a storm */
  calm: string;
}) {
  if (storms.length === 0)
    return (
      <div className="banner banner-calm storm-strip" role="status" data-testid="storm-strip">
        {calm}
      </div>
    );
  return (
    <div
      className="banner banner-bad storm-strip"
      role="alert"
      data-testid="storm-strip"
      title={storms.map((s) => `${s.title} ${s.text}`).join(" · ")}
    >
      {storms.map((s, i) => (
        <span key={s.key}>
          {i > 0 ? " · " : null}
          <strong>{s.title}</strong> {s.body}
        </span>
      ))}
    </div>
  );
}
