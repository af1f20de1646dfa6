import { AppLink as Link } from "@/components/ui/AppLink";

export type Tone = "neutral" | "ok" | "warn" | "bad";

export function StatTile({
  label,
  value,
  detail,
  tone = "neutral",
  testId,
  exact,
  href,
}: {
  label: string;
  value: string;
  detail?: string;
  tone?: Tone;
  testId?: string;
  /** the exact figure, on hover, when `value` is a compact one ("€50.8K") */
  exact?: string;
  /** where the figure's items are listed (the stuck keys, the duplicates): the tile leads there */
  href?: string;
}) {
  return (
    <section className={`tile tone-${tone}`} aria-label={label} data-testid={testId}>
      <h3 className="tile-label">{label}</h3>
      <p className="tile-value" title={exact}>
        {href ? (
          <Link href={href} className="tile-link">
            {value}
          </Link>
        ) : (
          value
        )}
      </p>
      {detail ? <p className="tile-detail">{detail}</p> : null}
    </section>
  );
}
