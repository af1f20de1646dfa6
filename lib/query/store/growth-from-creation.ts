// Store growth when the size samples cannot tell it yet (a library's table connected today): the
// keys created per day, from their creation times (the imported rows' and the captured claims'),
// less the keys purged per day where capture saw them, at the table's bytes per row. Purges
// before capture began were never recorded, so over those days this is the gross growth, and it
// says so (issue #33).
import type { CreatedExpiredDay, StoreTable } from "../../client/api-types/store";

export type Growth = { rows: number; bytes: number };

/**
 * Rows and bytes a day over the range's whole days (today's partial day left out), or null when
 * no whole day created a key.
 */
export function growthFromCreation(
  perDay: CreatedExpiredDay[] | null,
  keysTable: StoreTable | undefined,
): Growth | null {
  const days = (perDay ?? []).slice(0, -1);
  const first = days.findIndex((d) => d.created > 0);
  if (first < 0 || !keysTable || keysTable.rows <= 0) return null;
  const counted = days.slice(first);
  const rows = counted.reduce((s, d) => s + d.created - d.expired, 0) / counted.length;
  return { rows, bytes: rows * (keysTable.bytes / keysTable.rows) };
}
