import type { TtlAdvice } from "@/lib/client/api-types/store";
import { formatAge, formatCount, formatPercent } from "@/lib/client/format";

const VERDICT: Record<TtlAdvice["verdict"], { label: string; tone: string }> = {
  raise: { label: "raise TTL", tone: "badge-bad" },
  ok: { label: "OK", tone: "badge-ok" },
  could_lower: { label: "ample headroom", tone: "badge-warn" },
  no_data: { label: "no verdict", tone: "" },
};

const age = (s: number | null) => (s === null ? "–" : formatAge(s));

/** Per endpoint: TTL, retries, share after expiry, the delay percentiles and the suggested TTL. */
export function TtlAdvisorTable({
  rows,
  selected,
  onSelect,
}: {
  rows: TtlAdvice[];
  selected: string | undefined;
  onSelect: (endpoint: string) => void;
}) {
  return (
    <table className="table" aria-label="TTL advisor">
      <thead>
        <tr>
          <th scope="col">Endpoint</th>
          <th scope="col" className="num">
            TTL
          </th>
          <th scope="col" className="num">
            Retries
          </th>
          <th
            scope="col"
            className="num"
            title="Retries that came at or after the TTL: the key had expired and the work ran again"
          >
            After expiry
          </th>
          <th scope="col" className="num">
            p99 delay
          </th>
          <th scope="col" className="num">
            p99.9 delay
          </th>
          <th
            scope="col"
            className="num"
            title="The smallest TTL that would have caught 99.9 % of retries"
          >
            TTL for 99.9 %
          </th>
          <th scope="col">Verdict</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.endpoint} className={r.endpoint === selected ? "row-selected" : undefined}>
            <td className="mono">
              <button
                type="button"
                className="link-button"
                aria-pressed={r.endpoint === selected}
                onClick={() => onSelect(r.endpoint)}
              >
                {r.endpoint}
              </button>
            </td>
            <td
              className="num"
              title={r.ttlSource === "observed" ? "observed on the newest keys" : "configured"}
            >
              {age(r.ttlSeconds)}
              {r.ttlSource === "observed" ? <span className="muted"> (seen)</span> : null}
            </td>
            <td className="num">{formatCount(r.retries)}</td>
            <td className="num">
              {r.afterExpiry === null
                ? "–"
                : `${formatCount(Math.round(r.afterExpiry))} (${formatPercent(r.afterExpiryShare)})`}
            </td>
            <td className="num">{age(r.p99Seconds)}</td>
            <td className="num">{age(r.p999Seconds)}</td>
            <td className="num">
              {r.retries
                ? r.suggestedTtlSeconds === null
                  ? "> 30 d"
                  : `≤ ${formatAge(r.suggestedTtlSeconds)}`
                : "–"}
            </td>
            <td>
              <span className={`badge ${VERDICT[r.verdict].tone}`} title={r.message}>
                {VERDICT[r.verdict].label}
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
