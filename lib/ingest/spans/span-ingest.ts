// Records the requests spans carry as events of the connected source (docs/store-contract.md,
// "Capture modes"): only the kinds its row capture cannot see (a replay answered from the stored
// row, a 409, a 422; every request where spans are the only source), so nothing is counted twice; each span once, however often its exporter
// retries the batch; on the intent of the captured state changes (same client, endpoint, key),
// with the key's id from its latest captured event.
import "server-only";
import type { Pool } from "pg";
import type { StoreContext } from "../../contract/context";
import { DomainError } from "../../core/errors";
import { kindsFromSpans } from "../../contract/coverage";
import type { SpanRequest } from "./span-requests";

export type SpanRecordResult = {
  /** requests recorded as events now */
  recorded: number;
  /** requests whose span was recorded before (an exporter's retry) */
  duplicates: number;
  /** requests the row capture already counts (executions, or kinds the layout writes) */
  coveredByRows: number;
};

/** 404 (the exporter drops, not retries) while span capture is not connected on this database. */
export function assertSpansConnected(ctx: StoreContext<Pool>): void {
  if (!ctx.tables.source.spans)
    throw new DomainError(
      "not_found",
      "spans_not_connected",
      "span capture is not connected on this database: npm run connect -- --preset NAME --capture logical,spans (or triggers,spans), or --capture spans for a store outside PostgreSQL",
    );
}

export async function recordSpanRequests(
  ctx: StoreContext<Pool>,
  requests: SpanRequest[],
): Promise<SpanRecordResult> {
  assertSpansConnected(ctx);
  const source = ctx.tables.source;
  const wanted = new Set<string>(kindsFromSpans(source));
  const rows = requests.filter((r) => wanted.has(r.kind));
  if (rows.length === 0) return { recorded: 0, duplicates: 0, coveredByRows: requests.length };
  const events = ctx.tables.events;
  const col = <K extends keyof SpanRequest>(k: K) => rows.map((r) => r[k]);
  const r = await ctx.db.query<{ n: number }>(
    `WITH s AS (
       -- one span sent twice in one export is one request (and, executed, one outcome)
       SELECT DISTINCT ON (trace_id, span_id) *
         FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[],
                     $6::int[], $7::float8[], $8::text[], $9::text[], $10::text[])
              AS s(at, scope, endpoint, key, kind, code, latency, instance, trace_id, span_id)
        ORDER BY trace_id, span_id
     ), ins AS (
       INSERT INTO ${events} (at, key_id, scope, endpoint, key, kind, response_code, latency_ms, instance, trace_id, span_id)
       -- a replay, 409 or 422 comes after the intent's claim: a span dated earlier (a skewed or
       -- forged clock) is moved to the captured claim, so it never moves the intent's first
       -- request before it (retention would then take the intent and its open duplicate)
       SELECT greatest(s.at, (SELECT e.at FROM ${events} e
                               WHERE e.scope = s.scope AND e.endpoint = s.endpoint AND e.key = s.key
                                 AND e.kind IN ('claimed', 'reclaimed') AND e.span_id IS NULL
                               ORDER BY e.at LIMIT 1)),
              (SELECT e.key_id FROM ${events} e
                      WHERE e.scope = s.scope AND e.endpoint = s.endpoint AND e.key = s.key AND e.key_id IS NOT NULL
                      ORDER BY e.at DESC LIMIT 1),
              -- an execution (spans only: no row capture) is a claim at its start, its span's
              -- duration the claim's latency, and its outcome at its end (below)
              s.scope, s.endpoint, s.key,
              CASE s.kind WHEN 'executed' THEN 'claimed' ELSE s.kind END,
              CASE WHEN s.kind <> 'executed' THEN s.code END,
              s.latency, s.instance, s.trace_id, s.span_id
         FROM s
       ON CONFLICT (trace_id, span_id) WHERE span_id IS NOT NULL DO NOTHING
       RETURNING at, scope, endpoint, key, kind, latency_ms, instance, trace_id, span_id
     ), outcomes AS (
       -- once per span, like its claim: an exporter's retry inserted no claim, so no outcome;
       -- a 5xx, or no status at all (the worker died), is a failure
       INSERT INTO ${events} (at, scope, endpoint, key, kind, response_code, instance, trace_id)
       SELECT i.at + make_interval(secs => i.latency_ms / 1000), i.scope, i.endpoint, i.key,
              CASE WHEN s.code < 500 THEN 'completed' ELSE 'failed' END, s.code, i.instance, i.trace_id
         FROM ins i JOIN s ON s.trace_id = i.trace_id AND s.span_id = i.span_id
        WHERE s.kind = 'executed'
     )
     SELECT count(*)::int AS n FROM ins`,
    [
      col("at"),
      col("scope"),
      col("endpoint"),
      col("key"),
      col("kind"),
      col("responseCode"),
      col("latencyMs"),
      col("instance"),
      col("traceId"),
      col("spanId"),
    ],
  );
  const recorded = r.rows[0]?.n ?? 0;
  return {
    recorded,
    duplicates: rows.length - recorded,
    coveredByRows: requests.length - rows.length,
  };
}
