// The money in duplicate successes (Trends; docs/store-contract.md, "Money in duplicates").

export type MoneyAmount = { currency: string; open: number; reconciled: number };

export type MoneyInDuplicates = {
  /** endpoints with an amount path (IDEMSCOPE_AMOUNT_PATHS) */
  configured: string[];
  /** endpoints with duplicate successes but no amount path: their money is not counted */
  notConfigured: string[];
  /** why none is counted at all (a library store), else null */
  unavailable: string | null;
  /** duplicates of configured endpoints that could not be priced, and why */
  unpriced: { count: number; reasons: string[] };
  /** per day of the intents' first request, the range's days */
  days: ({ day: string } & MoneyAmount)[];
  /** per UTC month, the last 12 */
  months: ({ month: string } & MoneyAmount)[];
  /** over the range, per currency, largest first */
  totals: MoneyAmount[];
};
