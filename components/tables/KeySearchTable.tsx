import { AppLink as Link } from "@/components/ui/AppLink";
import type { KeySearchItem } from "@/lib/client/api-types/keys";
import { formatCount } from "@/lib/client/format";
import { Instant } from "@/components/ui/TimeZone";
import { lifecyclePageUrl } from "@/lib/client/queries/keys";
import { StatusBadge } from "@/components/ui/StatusBadge";

// Row links do not prefetch: in production each would render its page on the server as soon as
// the row scrolls into view (dozens of key and client pages per poll of the list).
export function KeySearchTable({ rows }: { rows: KeySearchItem[] }) {
  return (
    <table className="table" aria-label="Keys found">
      <thead>
        <tr>
          <th scope="col">Key</th>
          <th scope="col">Client</th>
          <th scope="col">Endpoint</th>
          <th scope="col">Status</th>
          <th scope="col">First seen</th>
          <th scope="col">Last activity</th>
          <th scope="col" className="num">
            Requests
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((k) => (
          <tr key={`${k.scope}\u0000${k.endpoint}\u0000${k.key}`}>
            <td className="mono key-cell" title={k.key}>
              <Link href={k.id ? `/keys/${k.id}` : lifecyclePageUrl(k)} prefetch={false}>
                {k.key}
              </Link>
            </td>
            <td>{k.scope}</td>
            <td className="mono">{k.endpoint}</td>
            <td>
              <StatusBadge status={k.status} />
            </td>
            <td className="nowrap">
              <Instant iso={k.firstSeenAt} />
            </td>
            <td className="nowrap">
              <Instant iso={k.lastSeenAt} />
            </td>
            <td className="num">{formatCount(k.attempts)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
