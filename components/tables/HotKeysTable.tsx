import { AppLink as Link } from "@/components/ui/AppLink";
import type { HotKey } from "@/lib/client/api-types/hot-keys";
import { clientHref } from "@/lib/client/queries/clients";
import { lifecyclePageUrl } from "@/lib/client/queries/keys";
import { formatCount } from "@/lib/client/format";

/** The intents with the most requests, most first. */
// Row links do not prefetch: in production each would render its page on the server as soon as
// the row scrolls into view (dozens of key and client pages per poll of the list).
export function HotKeysTable({ rows }: { rows: HotKey[] }) {
  return (
    <table className="table" aria-label="Hot keys">
      <thead>
        <tr>
          <th scope="col">Key</th>
          <th scope="col">Client</th>
          <th scope="col">Endpoint</th>
          <th scope="col" className="num">
            Requests
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((k) => (
          <tr key={`${k.scope}\u0000${k.endpoint}\u0000${k.key}`}>
            <td className="mono key-cell" title={k.key}>
              <Link href={lifecyclePageUrl(k)} prefetch={false}>
                {k.key}
              </Link>
            </td>
            <td>
              <Link href={clientHref(k.scope)} prefetch={false}>
                {k.scope}
              </Link>
            </td>
            <td className="mono">{k.endpoint}</td>
            <td className="num">{formatCount(k.requests)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
