// CSV for the "export this chart's data" buttons, following OWASP's CSV injection guidance:
// every text cell is quoted (RFC 4180, so a ',' or ';' inside it never starts a new cell in any
// locale), and a text cell a spreadsheet could read as a formula gets a leading apostrophe.
// Client scopes and keys come from API callers, so every text is treated as hostile.

/**
 * A formula trigger at the start of a cell, after any whitespace or control characters that a
 * spreadsheet trims: = + - @ (and their full-width forms, which some spreadsheets normalise),
 * or a leading tab, carriage return or line feed itself.
 */
const FORMULA_START =
  /^[\t\r\n]|^[\s\u0000-\u001f\u00a0\u3000\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]/;

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  let s = String(v);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return `"${s.replaceAll('"', '""')}"`;
}

export function toCsv<T extends Record<string, unknown>>(
  rows: T[],
  columns: (keyof T & string)[],
): string {
  return (
    [columns.join(","), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(","))].join(
      "\r\n",
    ) + "\r\n"
  );
}
