// Keeps the newest RECENT_ERRORS_KEPT errors of each kind (lib/contract/schema/recent-errors.ts) from the
// batch (temp table `batch`, lib/fold/collect-batch.ts), in the batch's transaction. Batches
// may come in any order (the history folds newest first): the trim keeps the newest by time.
import type { BatchContext } from "./batch-context";

/** The kinds an on-call engineer looks for: refused, rejected, failed or taken-over requests. */
export const ERROR_KINDS = ["conflict", "mismatch", "failed", "reclaimed"] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];
export const RECENT_ERRORS_KEPT = 200;

export async function foldRecentErrors({ db: c, tables: t }: BatchContext): Promise<void> {
  const r = t.ownTable("recent_errors");
  const added = await c.query<{ kind: string }>(
    `WITH cut AS (
       -- each kind's RECENT_ERRORS_KEPT-th newest: an older error would be trimmed at once
       -- (history folded newest first would otherwise churn through every error it has)
       SELECT k.kind, c.at, c.id FROM unnest($1::text[]) AS k(kind)
         LEFT JOIN LATERAL (SELECT at, id FROM ${r} x WHERE x.kind = k.kind
                             ORDER BY at DESC, id DESC OFFSET $2 - 1 LIMIT 1) c ON true),
     -- and no more than the newest RECENT_ERRORS_KEPT of each kind in the batch: the first
     -- history batch would otherwise write thousands, to delete them at once (dead rows that
     -- left 27 MiB behind a 10 M-row import, for 800 rows kept)
     newest AS (
       SELECT b.*, row_number() OVER (PARTITION BY b.kind ORDER BY b.at DESC, b.id DESC) AS rank
         FROM batch b JOIN cut ON cut.kind = b.kind
        WHERE cut.id IS NULL OR (b.at, b.id) >= (cut.at, cut.id))
     INSERT INTO ${r} (id, at, kind, scope, endpoint, key, response_code)
     SELECT id, at, kind, scope, endpoint, key, response_code FROM newest WHERE rank <= $2
     ON CONFLICT (id) DO NOTHING
     RETURNING kind`,
    [ERROR_KINDS, RECENT_ERRORS_KEPT],
  );
  if (!added.rowCount) return;
  // per kind: everything older than its RECENT_ERRORS_KEPT-th newest (an index range each)
  await c.query(
    `DELETE FROM ${r} d USING (
       SELECT k.kind, cut.at, cut.id FROM unnest($1::text[]) AS k(kind)
        CROSS JOIN LATERAL (SELECT at, id FROM ${r} x WHERE x.kind = k.kind
                             ORDER BY at DESC, id DESC OFFSET $2 LIMIT 1) cut
     ) c
     WHERE d.kind = c.kind AND (d.at, d.id) <= (c.at, c.id)`,
    [[...new Set(added.rows.map((row) => row.kind))], RECENT_ERRORS_KEPT],
  );
}
