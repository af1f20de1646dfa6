import type { EndpointActivity } from "@/lib/api-types/overview";
import type { SourceSummary } from "@/lib/api-types/source";
import { formatCount, formatPercent } from "@/lib/format";

/** A cell the connected layout cannot see: a dash whose tooltip says why, never a 0. */
function Blind({ why }: { why: string }) {
  return (
    <td className="num muted" title={`Not captured: ${why}`}>
      —
    </td>
  );
}

export function BusiestEndpointsTable({
  rows,
  notCaptured = {},
}: {
  rows: EndpointActivity[];
  notCaptured?: SourceSummary["notCaptured"];
}) {
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
            {notCaptured.replays ? (
              <Blind why={notCaptured.replays} />
            ) : (
              <td className="num">{formatPercent(r.requests ? r.replayed / r.requests : null)}</td>
            )}
            {notCaptured.conflicts ? (
              <Blind why={notCaptured.conflicts} />
            ) : (
              <td className="num">{formatCount(r.conflicts)}</td>
            )}
            {notCaptured.mismatches ? (
              <Blind why={notCaptured.mismatches} />
            ) : (
              <td className="num">{formatCount(r.mismatches)}</td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
