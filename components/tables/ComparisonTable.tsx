import type { AnnotationComparison, WindowNumbers } from "@/lib/client/api-types/annotations";
import { formatAge, formatCount, formatMs, formatPercent } from "@/lib/client/format";

const ROWS: {
  key: keyof WindowNumbers;
  label: string;
  format: (v: number | null) => string;
}[] = [
  { key: "requests", label: "Requests", format: (v) => formatCount(v) },
  { key: "duplicateSuccessRate", label: "Duplicate success rate", format: formatPercent },
  { key: "replayRatio", label: "Replay ratio", format: formatPercent },
  { key: "conflictRate", label: "Conflicts (share of requests)", format: formatPercent },
  { key: "workLatencyP95Ms", label: "Work latency p95", format: formatMs },
];

/** Before / after an annotation over equal windows; the numbers that got worse marked. */
export function ComparisonTable({ c }: { c: AnnotationComparison }) {
  const worse = new Set<string>(c.worse);
  return (
    <table className="table" aria-label="Before and after">
      <thead>
        <tr>
          <th scope="col">Number</th>
          <th scope="col" className="num">
            {formatAge(c.windowSeconds)} before
          </th>
          <th scope="col" className="num">
            {formatAge(c.afterSeconds)} after
            {c.afterSeconds < c.windowSeconds ? " (so far)" : ""}
          </th>
          <th scope="col">Verdict</th>
        </tr>
      </thead>
      <tbody>
        {ROWS.map((r) => (
          <tr key={r.key}>
            <td>{r.label}</td>
            <td className="num">{r.format(c.before[r.key])}</td>
            <td className="num">{r.format(c.after[r.key])}</td>
            <td>
              {worse.has(r.key) ? (
                <span className="status status-failed">worse</span>
              ) : r.key === "requests" ? null : (
                <span className="muted">no worse</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
