// The words the fold, the intent memory's rebuild and the schema share, as SQL: which events are
// requests, what a success is, an intent's key, which events were folded before a batch, and the
// per-intent aggregate. Each is written once: the numbers are exact only while every reader
// means the same thing by them.
import { fromMicros, microsOf } from "./grains";

/** The event kinds that are a client's request (docs/store-contract.md, "Events"). */
export const REQUEST_KINDS = `('claimed', 'reclaimed', 'replayed', 'conflict', 'mismatch')`;

/** SQL: the event is a success (a completion answered 2xx). */
export const isSuccess = (kind = "kind", responseCode = "response_code") =>
  `(${kind} = 'completed' AND ${responseCode} BETWEEN 200 AND 299)`;

/** Hourly per-client rows: a week (the 7-day chart and every baseline) and a day of margin. */
export const CLIENT_HOUR_DAYS = 8;
/** Minute per-client rows (retry-storm detection) are kept three hours. */
export const CLIENT_MINUTE_HOURS = 3;

/** The intent's key in the memory: an unambiguous text of the three parts, hashed to 128 bits. */
export const intentHash = (alias = "") =>
  `md5(ROW(${alias}scope, ${alias}endpoint, ${alias}key)::text)::uuid`;

/**
 * SQL: whether the event (at, id) is earlier than (thanAt, thanId), events ordered by time, then
 * id; a NULL id means no such event (it is never earlier, and any event is earlier than it).
 */
export function isEarlier(at: string, id: string, thanAt: string, thanId: string): string {
  return `(${id} IS NOT NULL AND (${thanId} IS NULL OR (${at}, ${id}) < (${thanAt}, ${thanId})))`;
}

/**
 * The events folded before this batch: ids up to the live watermark, but for the history not yet
 * folded (history_lo, history_hi] and the gaps still awaited.
 */
export type FoldedSoFar = { watermark: string; historyLo: string | null; historyHi: string | null };

/** The statement parameters that carry a FoldedSoFar, in foldedBefore's order. */
export const foldedParams = (f: FoldedSoFar): (string | null)[] => [
  f.watermark,
  f.historyLo,
  f.historyHi,
];

/**
 * SQL: event `e` was folded before this batch. `first` is the number of the statement parameter
 * that holds the watermark (history_lo and history_hi follow it: foldedParams). The batch in hand
 * is left out by ranges alone: a live batch's events are above the watermark (its recovered gaps
 * stay in the gaps table until it ends), a history batch's are inside the history range it is
 * given, an import's have negative ids. (An anti-join with the batch's temp table, which the
 * planner cannot estimate, became a nested loop over it: 230 s for one batch with many hot
 * intents.)
 */
export function foldedBefore(e: string, gaps: string, first: number): string {
  const [wm, lo, hi] = [first, first + 1, first + 2].map((n) => `$${n}::bigint`);
  return `${e}.id <= ${wm}
     AND NOT (${e}.id > coalesce(${lo}, 0) AND ${e}.id <= coalesce(${hi}, 0))
     AND NOT EXISTS (SELECT FROM ${gaps} g WHERE g.id = ${e}.id)`;
}

/**
 * SQL: per intent of `rows` (a table, or `table alias WHERE …`), its first request and first
 * success as [microseconds, id] (the smallest array is the earliest, ties by id), its successes,
 * its requests and its events. A batch and the memory's rebuild sum the same way.
 */
export function perIntentAggregate(rows: string): string {
  return `SELECT scope, endpoint, key,
              min(ARRAY[${microsOf("at")}, id]) FILTER (WHERE req) AS breq,
              min(ARRAY[${microsOf("at")}, id]) FILTER (WHERE ok) AS bfirst,
              count(*) FILTER (WHERE ok)::int AS oks,
              count(*) FILTER (WHERE req)::int AS reqs,
              count(*)::int AS n
         FROM (SELECT scope, endpoint, key, at, id, ${isSuccess()} AS ok,
                      kind IN ${REQUEST_KINDS} AS req FROM ${rows}) b
        GROUP BY scope, endpoint, key`;
}

/**
 * A batch's intents as classification reads them (lib/fold/fold-intents.ts), one row each: the
 * intent hash, its client, endpoint and key, its first request and first success (time and event
 * id) in the batch, and its successes and requests there. Made from perIntentAggregate's rows, or
 * by a library's import straight from its rows (lib/ingest/sources/history-import.ts).
 */
export const PER_INTENT_TYPES =
  "intent uuid, scope text, endpoint text, key text, breq_at timestamptz, breq_id bigint, bfirst_at timestamptz, bfirst_id bigint, oks int, reqs int";
export const PER_INTENT_COLUMNS = PER_INTENT_TYPES.split(", ")
  .map((column) => column.split(" ")[0])
  .join(", ");

/** SQL: the columns the intent memory stores, from perIntentAggregate's row. */
export const MEMORY_COLUMNS_OF_AGGREGATE = `${fromMicros("breq[1]")}, breq[2], ${fromMicros("bfirst[1]")}, bfirst[2], oks, reqs`;
