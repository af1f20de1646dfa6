import type { EndpointActivity } from "@/lib/client/api-types/overview";
import type { SourceSummary } from "@/lib/client/api-types/source";
import { formatCount, formatMs, formatPercent } from "@/lib/client/format";

/** A cell the connected layout cannot see: a dash whose tooltip says why, never a 0. */
function Blind({ why }: { why: string }) {
  return (
    <td className="num muted" title={`Not captured: ${why}`}>
      —
    </td>
  );
}

/** Claim latency p50 / p95 / p99, or why there is none. */
function ClaimLatency({ row, missing }: { row: EndpointActivity; missing: string | undefined }) {
  const l = row.claimLatencyMs;
  if (missing || !l)
    return (
      <td className="num muted" title={missing ?? "No timed claims in this range"}>
        —
      </td>
    );
  return (
    <td className="num" title="Time of the unique insert that claims a key">
      {formatMs(l.p50)} / {formatMs(l.p95)} / {formatMs(l.p99)}
    </td>
  );
}

export function BusiestEndpointsTable({
  rows,
  notCaptured = {},
  claimLatencyUnavailable,
}: {
  rows: EndpointActivity[];
  notCaptured?: SourceSummary["notCaptured"];
  /** why the claim latency query failed, if it did */
  claimLatencyUnavailable?: string;
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
          <th scope="col" className="num">
            Claim latency p50 / p95 / p99
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
            <ClaimLatency
              row={r}
              missing={
                notCaptured.claimLatency
                  ? `Not captured: ${notCaptured.claimLatency}`
                  : claimLatencyUnavailable && `Unavailable: ${claimLatencyUnavailable}`
              }
            />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
