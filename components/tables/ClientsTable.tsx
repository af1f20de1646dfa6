import { AppLink as Link } from "@/components/ui/AppLink";
import { Sparkline } from "@/components/charts/Sparkline";
import type { SourceSummary } from "@/lib/client/api-types/source";
import type { ClientItem, ClientSort, SortDir } from "@/lib/client/api-types/clients";
import { formatCount, formatPerKey } from "@/lib/client/format";

type Column = { sort: ClientSort; label: string; title: string; numeric: boolean };

const COLUMNS: Column[] = [
  { sort: "scope", label: "Client", title: "The key's scope in the store", numeric: false },
  {
    sort: "requests",
    label: "Requests",
    title: "Claims, reclaims, replays, conflicts and mismatches",
    numeric: true,
  },
  { sort: "keys", label: "Keys", title: "Keys (intents) first sent in this range", numeric: true },
  {
    sort: "retriesPerKey",
    label: "Retries per key",
    title: "Requests ÷ keys: 1.0 means every key was sent once",
    numeric: true,
  },
  {
    sort: "conflicts",
    label: "Conflicts (409)",
    title: "Retries that arrived while the key was still in progress",
    numeric: true,
  },
  {
    sort: "mismatches",
    label: "Mismatches (422)",
    title: "A key reused with a different payload",
    numeric: true,
  },
];

/** Every client's numbers over the range; headers sort (links, so the order is in the URL). */
// Row links do not prefetch: in production each would render its page on the server as soon as
// the row scrolls into view (dozens of key and client pages per poll of the list).
export function ClientsTable({
  rows,
  sort,
  dir,
  sortHref,
  clientHref,
  notCaptured = {},
}: {
  rows: ClientItem[];
  sort: ClientSort;
  dir: SortDir;
  sortHref: (sort: ClientSort, dir: SortDir) => string;
  clientHref: (scope: string) => string;
  /** what the connected layout cannot see: those cells say so instead of showing 0 */
  notCaptured?: SourceSummary["notCaptured"];
}) {
  const count = (n: number, why: string | undefined) =>
    why ? (
      <td className="num muted" title={`Not captured: ${why}`}>
        —
      </td>
    ) : (
      <td className="num">{formatCount(n)}</td>
    );
  return (
    <table className="table" aria-label="Clients">
      <thead>
        <tr>
          {COLUMNS.map((c) => {
            const active = c.sort === sort;
            // a new column starts with its most telling order: names A→Z, numbers largest first
            const next: SortDir = active
              ? dir === "desc"
                ? "asc"
                : "desc"
              : c.numeric
                ? "desc"
                : "asc";
            return (
              <th
                key={c.sort}
                scope="col"
                className={c.numeric ? "num" : undefined}
                aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : "none"}
                title={c.title}
              >
                <Link href={sortHref(c.sort, next)} className="sort-link" scroll={false}>
                  {c.label}
                  <span aria-hidden="true" className="sort-mark">
                    {active ? (dir === "asc" ? " ▲" : " ▼") : ""}
                  </span>
                </Link>
              </th>
            );
          })}
          <th scope="col">Retries per key over time</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.scope} className={r.storm ? "row-storm" : undefined}>
            <td className="mono client-name">
              <Link href={clientHref(r.scope)} prefetch={false}>
                {r.scope}
              </Link>
              {r.storm ? (
                <span className="badge badge-bad" title={r.storm.explanation}>
                  retry storm {r.storm.factor.toFixed(1)}×
                </span>
              ) : r.pastStorm ? (
                <span
                  className="badge badge-warn"
                  title={`${r.pastStorm.hours} h in this range at up to ${r.pastStorm.peakFactor.toFixed(1)}× its own baseline; the latest from ${r.pastStorm.lastHour}`}
                >
                  storm earlier, {r.pastStorm.peakFactor.toFixed(1)}×
                </span>
              ) : null}
            </td>
            <td className="num">{formatCount(r.requests)}</td>
            <td className="num">{formatCount(r.keys)}</td>
            <td className="num">{formatPerKey(r.retriesPerKey)}</td>
            {count(r.conflicts, notCaptured.conflicts)}
            {count(r.mismatches, notCaptured.mismatches)}
            <td>
              <Sparkline
                values={r.sparkline}
                label={`Retries per key of ${r.scope}`}
                color={r.storm ? "#dc2626" : "#2563eb"}
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
