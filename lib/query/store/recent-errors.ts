// The Overview's "Recent errors" (docs/store-contract.md): the newest rows the collector keeps
// per kind (lib/fold/fold-recent-errors.ts), each joined to its event by primary key for the
// trace id. Never a scan of the events table.
import "server-only";
import type {
  RecentError,
  RecentErrorKind,
  RecentErrors,
} from "../../client/api-types/recent-errors";
import type { StoreContext } from "../../contract/context";
import { RECENT_ERRORS_KEPT } from "../../fold/fold-recent-errors";
import { sourceSummary } from "../../ingest/sources/summary";
import { traceUrlOf } from "./lifecycle";

type Row = Omit<RecentError, "at" | "traceUrl"> & { at: Date };

/** Which notCaptured entry hides each kind (failures and reclaims every layout sees). */
const VISIBILITY = { conflict: "conflicts", mismatch: "mismatches" } as const;

export async function listRecentErrors(
  ctx: StoreContext,
  q: { kind: RecentErrorKind | "all"; limit: number },
): Promise<RecentErrors> {
  const { db, tables: t, config } = ctx;
  const r = await db.query<Row>(
    `SELECT r.id::text AS id, r.at, r.kind, r.endpoint, r.scope, r.key,
            r.response_code AS "responseCode", e.trace_id AS "traceId"
       FROM ${t.ownTable("recent_errors")} r
       LEFT JOIN ${t.events} e ON e.id = r.id
      WHERE $1::text IS NULL OR r.kind = $1
      ORDER BY r.at DESC, r.id DESC
      LIMIT $2`,
    [q.kind === "all" ? null : q.kind, q.limit],
  );
  const source = sourceSummary(ctx);
  const notCaptured: RecentErrors["notCaptured"] = {};
  for (const [kind, what] of Object.entries(VISIBILITY) as [RecentErrorKind, "conflicts"][]) {
    const why = source.notCaptured[what];
    if (why) notCaptured[kind] = why;
  }
  return {
    kind: q.kind,
    errors: r.rows.map((row) => ({
      ...row,
      at: row.at.toISOString(),
      traceUrl: traceUrlOf(config.traceUrlTemplate, row.traceId),
    })),
    keptPerKind: RECENT_ERRORS_KEPT,
    notCaptured,
    source: { preset: source.preset, capture: source.capture },
  };
}
