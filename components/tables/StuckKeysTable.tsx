import type { StuckKey } from "@/lib/api-types/stuck";
import { formatAge, formatCount } from "@/lib/format";

export function StuckKeysTable({ rows }: { rows: StuckKey[] }) {
  return (
    <table className="table" aria-label="Stuck keys">
      <thead>
        <tr>
          <th scope="col">Endpoint</th>
          <th scope="col">Client</th>
          <th scope="col">Key</th>
          <th scope="col" className="num">
            Age
          </th>
          <th scope="col">Lock owner</th>
          <th scope="col" className="num">
            Attempts
          </th>
          <th scope="col">Recovery point</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((k) => (
          <tr key={k.id}>
            <td className="mono">{k.endpoint}</td>
            <td>{k.scope}</td>
            <td className="mono key-cell" title={k.key}>
              {k.key}
            </td>
            <td className="num" title={`lock timeout ${formatAge(k.lockTimeoutSeconds)}`}>
              {formatAge(k.ageSeconds)}
            </td>
            <td>{k.lockOwner ?? <span className="muted">orphaned (unlocked)</span>}</td>
            <td className="num">{formatCount(k.attempts)}</td>
            <td className="mono">{k.recoveryPoint ?? "–"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
