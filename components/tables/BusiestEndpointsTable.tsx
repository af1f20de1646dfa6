import type { EndpointActivity } from "@/lib/api-types/overview";
import { formatCount, formatPercent } from "@/lib/format";

export function BusiestEndpointsTable({ rows }: { rows: EndpointActivity[] }) {
  if (rows.length === 0) {
    return <p className="empty-state">No requests in this range: the store received no traffic.</p>;
  }
  return (
    <table className="table" aria-label="Busiest endpoints">
      <thead>
        <tr>
          <th scope="col">Endpoint</th>
          <th scope="col" className="num">
            Requests
          </th>
          <th scope="col" className="num">
            Replay ratio
          </th>
          <th scope="col" className="num">
            Conflicts (409)
          </th>
          <th scope="col" className="num">
            Mismatches (422)
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.endpoint}>
            <td className="mono">{r.endpoint}</td>
            <td className="num">{formatCount(r.requests)}</td>
            <td className="num">{formatPercent(r.requests ? r.replayed / r.requests : null)}</td>
            <td className="num">{formatCount(r.conflicts)}</td>
            <td className="num">{formatCount(r.mismatches)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
