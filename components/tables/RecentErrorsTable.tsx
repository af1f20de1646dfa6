import { AppLink as Link } from "@/components/ui/AppLink";
import type { RecentError, RecentErrorKind } from "@/lib/client/api-types/recent-errors";
import { clientHref } from "@/lib/client/queries/clients";
import { lifecyclePageUrl } from "@/lib/client/queries/keys";
import { formatAge } from "@/lib/client/format";

export const ERROR_KIND_LABELS: Record<RecentErrorKind, string> = {
  conflict: "conflict",
  mismatch: "mismatch",
  failed: "failed",
  reclaimed: "reclaimed",
};

const KIND_TITLES: Record<RecentErrorKind, string> = {
  conflict: "409: a retry arrived while the first attempt was still in progress",
  mismatch: "422: the key was reused with a different request body",
  failed: "the work failed and its error was stored",
  reclaimed: "the lock had expired: another attempt took the key over and ran the work again",
};

/** The newest errors, newest first; `now` (ms) for the ages, null while server-rendered. */
// Row links do not prefetch: in production each would render its page on the server as soon as
// the row scrolls into view (dozens of key and client pages per poll of the list).
export function RecentErrorsTable({ rows, now }: { rows: RecentError[]; now: number | null }) {
  return (
    <table className="table" aria-label="Recent errors">
      <thead>
        <tr>
          <th scope="col" className="num">
            Age
          </th>
          <th scope="col">Kind</th>
          <th scope="col">Endpoint</th>
          <th scope="col">Client</th>
          <th scope="col">Key</th>
          <th scope="col" className="num">
            Response
          </th>
          <th scope="col">Trace</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((e) => (
          <tr key={e.id}>
            <td className="num" title={e.at}>
              {now === null ? "–" : `${formatAge((now - Date.parse(e.at)) / 1000)} ago`}
            </td>
            <td>
              <span className={`status status-error-${e.kind}`} title={KIND_TITLES[e.kind]}>
                {ERROR_KIND_LABELS[e.kind]}
              </span>
            </td>
            <td className="mono">{e.endpoint}</td>
            <td>
              <Link href={clientHref(e.scope)} prefetch={false}>
                {e.scope}
              </Link>
            </td>
            <td className="mono key-cell" title={e.key}>
              <Link href={lifecyclePageUrl(e)} prefetch={false}>
                {e.key}
              </Link>
            </td>
            <td className="num">{e.responseCode ?? "–"}</td>
            <td className="mono">
              {e.traceUrl ? (
                <a href={e.traceUrl} target="_blank" rel="noreferrer">
                  {e.traceId?.slice(0, 12)}…
                </a>
              ) : e.traceId ? (
                <span title="Set IDEMSCOPE_TRACE_URL to link traces">
                  {e.traceId.slice(0, 12)}…
                </span>
              ) : (
                <span className="muted">–</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
