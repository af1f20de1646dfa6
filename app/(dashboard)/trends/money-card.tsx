"use client";

import { DailyCountChart } from "@/components/charts/DailyCountChart";
import { formatDayTick } from "@/components/charts/time-format";
import { ExportableCard } from "@/components/ui/ExportableCard";
import type { MoneyInDuplicates } from "@/lib/client/api-types/money";
import { formatCount, formatMoney } from "@/lib/client/format";

/** The money in duplicate successes: per day for the main currency, totals for every one. */
export function MoneyCard({ money }: { money: MoneyInDuplicates }) {
  const main = money.totals[0]?.currency;
  const days = money.days.filter((d) => d.currency === main);
  return (
    <ExportableCard
      title="Money in duplicate successes"
      csv={{
        rows: money.days,
        columns: ["day", "currency", "open", "reconciled"],
        filename: "idemscope-money-in-duplicates.csv",
      }}
    >
      {money.unavailable ? (
        <p className="empty-state">Not captured: {money.unavailable}.</p>
      ) : money.configured.length === 0 ? (
        <p className="empty-state">
          No amounts configured: set IDEMSCOPE_AMOUNT_PATHS (e.g.{" "}
          <code>POST /v1/payments=$.amount,$.currency</code>) to count the money in each duplicate
          success.
        </p>
      ) : (
        <>
          {main ? (
            <DailyCountChart
              data={days}
              xKey="day"
              series={[
                { key: "open", name: `open (${main})`, color: "#dc2626" },
                { key: "reconciled", name: `reconciled (${main})`, color: "#7c3aed" },
              ]}
              unit={`${main} / day`}
              tick={formatDayTick}
              bucketMs={86_400_000}
              label={`Money in duplicate successes per day, ${main}, open and reconciled`}
            />
          ) : (
            <p className="empty-state">No priced duplicate success in this range.</p>
          )}
          <table className="table" aria-label="Money by currency">
            <thead>
              <tr>
                <th scope="col">Currency</th>
                <th scope="col" className="num">
                  Open
                </th>
                <th scope="col" className="num">
                  Reconciled
                </th>
              </tr>
            </thead>
            <tbody>
              {money.totals.map((m) => (
                <tr key={m.currency}>
                  <td className="mono">{m.currency}</td>
                  <td className="num">{formatMoney(m.open, m.currency)}</td>
                  <td className="num">{formatMoney(m.reconciled, m.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted" data-testid="money-coverage">
            Each extra success counts its response&apos;s amount (amount × (successes − 1)).
            {money.notConfigured.length
              ? ` Not counted, no amount path configured: ${money.notConfigured.join(", ")}.`
              : ""}
            {money.unpriced.count
              ? ` ${formatCount(money.unpriced.count)} not priced: ${money.unpriced.reasons.join("; ")}.`
              : ""}
          </p>
        </>
      )}
    </ExportableCard>
  );
}
