import type { ClientEndpoint } from "@/lib/client/api-types/clients";
import { formatCount, formatPerKey } from "@/lib/client/format";

/** One client's numbers per endpoint. */
export function ClientEndpointsTable({ rows }: { rows: ClientEndpoint[] }) {
  return rows.length === 0 ? (
    <p className="empty-state">No request from this client in these days.</p>
  ) : (
    <table className="table" aria-label="Endpoints of this client">
      <thead>
        <tr>
          <th scope="col">Endpoint</th>
          <th scope="col" className="num">
            Requests
          </th>
          <th scope="col" className="num">
            Keys
          </th>
          <th scope="col" className="num">
            Retries per key
          </th>
          <th scope="col" className="num">
            Replayed
          </th>
          <th scope="col" className="num">
            Reclaimed
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
        {rows.map((e) => (
          <tr key={e.endpoint}>
            <td className="mono">{e.endpoint}</td>
            <td className="num">{formatCount(e.requests)}</td>
            <td className="num">{formatCount(e.keys)}</td>
            <td className="num">{formatPerKey(e.retriesPerKey)}</td>
            <td className="num">{formatCount(e.replayed)}</td>
            <td className="num">{formatCount(e.reclaimed)}</td>
            <td className="num">{formatCount(e.conflicts)}</td>
            <td className="num">{formatCount(e.mismatches)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
