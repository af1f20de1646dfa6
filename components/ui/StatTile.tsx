export type Tone = "neutral" | "ok" | "warn" | "bad";

export function StatTile({
  label,
  value,
  detail,
  tone = "neutral",
  testId,
}: {
  label: string;
  value: string;
  detail?: string;
  tone?: Tone;
  testId?: string;
}) {
  return (
    <section className={`tile tone-${tone}`} aria-label={label} data-testid={testId}>
      <h3 className="tile-label">{label}</h3>
      <p className="tile-value">{value}</p>
      {detail ? <p className="tile-detail">{detail}</p> : null}
    </section>
  );
}
