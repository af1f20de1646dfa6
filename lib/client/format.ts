// Number formatting shared by pages and charts (runs on server and client).
const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? "–" : integer.format(n);
}

export function formatRate(n: number | null | undefined): string {
  if (n === null || n === undefined) return "–";
  return n >= 100 ? integer.format(n) : oneDecimal.format(n);
}

/** 0.00123 → "0.12 %"; small rates keep enough digits to compare with a 0.1 % target. */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return "–";
  const pct = ratio * 100;
  const digits = pct === 0 ? 0 : pct < 1 ? 2 : 1;
  return `${Number(pct.toFixed(digits))} %`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "–";
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms < 10 ? ms.toFixed(1) : integer.format(ms)} ms`;
}

/** 75 → "1 min 15 s", 4000 → "1 h 6 min", 200000 → "2 d 7 h". */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 && s < 600 ? ` ${s % 60} s` : ""}`;
  if (s < 86_400)
    return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ""}`;
  return `${Math.floor(s / 86_400)} d${Math.floor((s % 86_400) / 3600) ? ` ${Math.floor((s % 86_400) / 3600)} h` : ""}`;
}

/** 1536 → "1.5 KiB"; binary units, as PostgreSQL's pg_size_pretty. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${n < 0 ? "-" : ""}${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** Requests per key: "1.24"; "–" when no key started. */
export function formatPerKey(n: number | null | undefined): string {
  return n === null || n === undefined ? "–" : n.toFixed(2);
}

/** 1234.5, "EUR" → "€1,234.50" (the viewer's locale); an unknown code falls back to "1,234.50 XYZ". */
export function formatMoney(amount: number, currency: string): string {
  try {
    // one locale, as every number on the pages (the server knows no viewer's locale)
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}

/** 50765.3, "EUR" → "€50.8K": a tile's figure that fits any width; the exact one goes on hover. */
export function formatMoneyCompact(amount: number, currency: string): string {
  if (Math.abs(amount) < 10_000) return formatMoney(amount, currency);
  try {
    return new Intl.NumberFormat("en-US", {
      style: "currency",
      currency,
      notation: "compact",
      // explicit: Node 20's ICU keeps the currency's digits ("€10.0K") where Chromium's drops
      // them ("€10K"), and the page then fails to hydrate once the sum passes 10,000
      minimumFractionDigits: 0,
      maximumFractionDigits: 1,
    }).format(amount);
  } catch {
    return formatMoney(amount, currency);
  }
}
