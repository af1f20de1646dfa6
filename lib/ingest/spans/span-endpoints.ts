// The endpoints spans may name (docs/capture.md, "Span input"). An endpoint becomes a label of
// every per-endpoint series and a row of every per-endpoint panel, and a span's raw path can carry
// ids (`/v1/payments/pay_123`): one series per payment, for ever. So a raw path is accepted only
// for an endpoint the row capture already knows (in its counters, or on this very intent), a route template (http.route) only while fewer
// than IDEMSCOPE_SPAN_MAX_ENDPOINTS endpoints are known; any other becomes "METHOD (other)", and
// the receiver counts it (idemscope_spans_total{outcome="endpoint_capped"}).
import "server-only";
import type { Pool } from "pg";
import type { StoreContext } from "../../contract/context";
import type { SpanRequest } from "./span-requests";

/** The endpoint of a span the budget does not admit. */
export const otherEndpoint = (endpoint: string) => `${endpoint.split(" ")[0]} (other)`;

/** Re-read the known endpoints at most this often when a span names an unknown one. */
const REFRESH_MS = 5_000;

type Known = { endpoints: Set<string>; readAt: number };
const slot = globalThis as unknown as { idemscopeSpanEndpoints?: Known };

async function knownEndpoints(ctx: StoreContext<Pool>, fresh: boolean): Promise<Set<string>> {
  const known = slot.idemscopeSpanEndpoints;
  if (known && (!fresh || Date.now() - known.readAt < REFRESH_MS)) return known.endpoints;
  // metric_totals: a few hundred rows the collector keeps, one per endpoint and outcome
  const r = await ctx.db.query<{ endpoint: string }>(
    `SELECT DISTINCT endpoint FROM ${ctx.tables.ownTable("metric_totals")}`,
  );
  const endpoints = new Set(r.rows.map((x) => x.endpoint));
  for (const e of known?.endpoints ?? []) endpoints.add(e); // admitted here since
  slot.idemscopeSpanEndpoints = { endpoints, readAt: Date.now() };
  return endpoints;
}

/** The endpoints of these requests whose intent the row capture recorded (index lookups). */
async function capturedEndpoints(
  ctx: StoreContext<Pool>,
  requests: SpanRequest[],
): Promise<string[]> {
  if (requests.length === 0) return [];
  const r = await ctx.db.query<{ endpoint: string }>(
    `SELECT DISTINCT s.endpoint
       FROM unnest($1::text[], $2::text[], $3::text[]) AS s(scope, endpoint, key)
      WHERE EXISTS (SELECT 1 FROM ${ctx.tables.events} e
                     WHERE e.key = s.key AND e.scope = s.scope AND e.endpoint = s.endpoint)`,
    [requests.map((x) => x.scope), requests.map((x) => x.endpoint), requests.map((x) => x.key)],
  );
  return r.rows.map((x) => x.endpoint);
}

/** The requests with their endpoints bounded, and how many were put under "(other)". */
export async function boundSpanEndpoints(
  ctx: StoreContext<Pool>,
  requests: SpanRequest[],
): Promise<{ requests: SpanRequest[]; capped: number }> {
  let known = await knownEndpoints(ctx, false);
  // an endpoint of an intent the row capture recorded is the capture's own: known
  for (const e of await capturedEndpoints(
    ctx,
    requests.filter((r) => !known.has(r.endpoint)),
  ))
    known.add(e);
  let capped = 0;
  const out: SpanRequest[] = [];
  for (const r of requests) {
    if (!known.has(r.endpoint)) known = await knownEndpoints(ctx, true);
    if (known.has(r.endpoint)) out.push(r);
    else if (r.routed && known.size < ctx.config.spans.maxEndpoints) {
      known.add(r.endpoint);
      out.push(r);
    } else {
      capped += 1;
      out.push({ ...r, endpoint: otherEndpoint(r.endpoint) });
    }
  }
  return { requests: out, capped };
}
