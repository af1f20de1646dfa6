import { AppLink as Link } from "@/components/ui/AppLink";
import { clientHref } from "@/lib/client/queries/clients";
import type { ReactNode } from "react";
import type { StuckKey } from "@/lib/client/api-types/stuck";
import { formatAge, formatCount } from "@/lib/client/format";

export function StuckKeysTable({
  rows,
  actions,
  ageSort,
}: {
  rows: StuckKey[];
  /** the Age header as a sort link: where it leads and which way the list is sorted now */
  ageSort?: { href: string; order: "oldest" | "newest" };
  /** per-row controls (release/fail), rendered in a last column */
  actions?: (key: StuckKey) => ReactNode;
}) {
  return (
    // on a phone each row is a card, every cell with its column's name (app/globals.css)
    <table className="table cards-on-phone" aria-label="Stuck keys">
      <thead>
        <tr>
          <th scope="col">Endpoint</th>
          <th scope="col">Client</th>
          <th scope="col">Key</th>
          <th
            scope="col"
            className="num"
            aria-sort={
              ageSort ? (ageSort.order === "oldest" ? "descending" : "ascending") : undefined
            }
          >
            {ageSort ? (
              <Link href={ageSort.href} title="Change the order">
                Age {ageSort.order === "oldest" ? "↓" : "↑"}
              </Link>
            ) : (
              "Age"
            )}
          </th>
          <th scope="col">Lock owner</th>
          <th scope="col" className="num">
            Attempts
          </th>
          <th scope="col">Recovery point</th>
          {actions ? <th scope="col">Actions</th> : null}
        </tr>
      </thead>
      <tbody>
        {rows.map((k) => (
          <tr key={k.id}>
            <td className="mono" data-label="Endpoint">
              {k.endpoint}
            </td>
            <td data-label="Client">
              <Link href={clientHref(k.scope)} prefetch={false}>
                {k.scope}
              </Link>
            </td>
            <td className="mono key-cell" title={k.key} data-label="Key">
              <Link href={`/keys/${encodeURIComponent(k.id)}`} prefetch={false}>
                {k.key}
              </Link>
            </td>
            <td
              className="num"
              title={`lock timeout ${formatAge(k.lockTimeoutSeconds)}`}
              data-label="Age"
            >
              {formatAge(k.ageSeconds)}
            </td>
            <td data-label="Lock owner">
              {k.lockOwner ?? (
                <span className="muted">
                  {k.lockedAt ? "not recorded by this store" : "orphaned (unlocked)"}
                </span>
              )}
            </td>
            <td className="num" data-label="Attempts">
              {formatCount(k.attempts)}
            </td>
            <td className="mono" data-label="Recovery point">
              {k.recoveryPoint ?? "–"}
            </td>
            {actions ? <td className="row-actions">{actions(k)}</td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
