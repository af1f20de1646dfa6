import type { SourceSummary } from "@/lib/client/api-types/source";

const STATUS_TONE = { available: "ok", partial: "warn", unavailable: "bad" } as const;

/** Each panel's availability for the connected source, and from what (or why not). */
export function CoverageTable({ source }: { source: SourceSummary }) {
  return (
    <table className="table" data-testid="coverage-table">
      <thead>
        <tr>
          <th scope="col">Panel</th>
          <th scope="col">Status</th>
          <th scope="col">From what, or why not</th>
        </tr>
      </thead>
      <tbody>
        {source.coverage.map((row) => (
          <tr key={row.panel}>
            <td>{row.panel}</td>
            <td>
              <span className={`badge badge-${STATUS_TONE[row.status]}`}>{row.status}</span>
            </td>
            <td>{row.detail}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
