import { Instant } from "@/components/ui/TimeZone";
import { AppLink as Link } from "@/components/ui/AppLink";
import type { DuplicateSuccess } from "@/lib/client/api-types/reconciliation";
import { clientHref } from "@/lib/client/queries/clients";
import { lifecyclePageUrl } from "@/lib/client/queries/keys";
import { formatMoney } from "@/lib/client/format";

export const OUTCOME_LABELS = {
  refunded: "refunded",
  voided: "voided",
  accepted: "accepted",
  false_positive: "false positive",
} as const;

/** Duplicate successes, in the list's order; `selected` and `onToggle` only where the viewer may act. */
// Row links do not prefetch: in production each would render its page on the server as soon as
// the row scrolls into view (dozens of key and client pages per poll of the list).
export function DuplicatesTable({
  rows,
  selected,
  onToggle,
}: {
  rows: DuplicateSuccess[];
  selected?: Set<string>;
  onToggle?: (intent: string) => void;
}) {
  return (
    // on a phone each row is a card (app/globals.css)
    <table className="table cards-on-phone" aria-label="Duplicate successes">
      <thead>
        <tr>
          {onToggle ? <th scope="col">Select</th> : null}
          <th scope="col">First request</th>
          <th scope="col">Client</th>
          <th scope="col">Endpoint</th>
          <th scope="col">Key</th>
          <th scope="col" className="num">
            Successes
          </th>
          <th scope="col" className="num">
            Amount
          </th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((d) => {
          const r = d.reconciliation;
          return (
            <tr key={d.intent}>
              {onToggle ? (
                <td data-label="Select">
                  {r ? null : (
                    <input
                      type="checkbox"
                      aria-label={`select ${d.key}`}
                      checked={selected?.has(d.intent) ?? false}
                      onChange={() => onToggle(d.intent)}
                    />
                  )}
                </td>
              ) : null}
              <td data-label="First request">
                <Instant iso={d.firstRequestAt} year />
              </td>
              <td data-label="Client">
                <Link href={clientHref(d.scope)} prefetch={false}>
                  {d.scope}
                </Link>
              </td>
              <td className="mono" data-label="Endpoint">
                {d.endpoint}
              </td>
              <td className="mono key-cell" title={d.key} data-label="Key">
                <Link href={lifecyclePageUrl(d)} prefetch={false}>
                  {d.key}
                </Link>
              </td>
              <td className="num" data-label="Successes">
                {d.successes}
              </td>
              <td
                className="num"
                data-label="Amount"
                title={d.amount ? undefined : "not priced (IDEMSCOPE_AMOUNT_PATHS)"}
              >
                {d.amount ? formatMoney(d.amount.value, d.amount.currency) : "–"}
              </td>
              <td data-label="Status">
                {r ? (
                  <span title={`${r.reason} (${r.actor}, ${r.at})`}>
                    <span className="status status-completed">{OUTCOME_LABELS[r.outcome]}</span>{" "}
                    <span className="muted">
                      {r.externalRef ? `${r.externalRef} · ` : ""}
                      {r.actor}
                    </span>
                  </span>
                ) : (
                  <span className="status status-failed">open</span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
